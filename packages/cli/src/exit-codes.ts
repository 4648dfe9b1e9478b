/** The exit codes a script or CI job can rely on; listed in `--help` and the README. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  invalidConfig: 3,
  drift: 4,
  refused: 5,
  cancelled: 130
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export const EXIT_CODES_HELP = `
Exit codes:
  0  success (for --check: no drift; for gate: approved)
  1  failed: a GitHub or AWS error, files init would overwrite, an apply that stopped,
     a deploy or rollback that failed or was rolled back, unhealthy checks
  2  usage: an unknown command or option, a bad value (named by its option), no
     repository or token
  3  invalid config: the config file is missing, unreadable or invalid, or names a
     reviewer GitHub does not know (every problem as file:line:column)
  4  drift: --check found environments that differ from the config
  5  refused: the staging gate did not approve the release
  130  cancelled: SIGINT or SIGTERM stopped a deploy, verify, gate, rollback or
     rehearsal (a deploy in progress is rolled back first)
`
