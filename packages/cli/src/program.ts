import { Command, InvalidArgumentError } from '@commander-js/extra-typings'
import { DEFAULT_CONFIG_PATH, parseRepository } from '@fargate-promote/promotion'
import { environmentsApply } from './commands/environments-apply.js'
import { init } from './commands/init.js'
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js'
import type { CliIo } from './io.js'
import { wantColor } from './ui.js'

export const VERSION = '1.0.0'

function repositoryArgument(value: string): string {
  if (parseRepository(value) === undefined) throw new InvalidArgumentError('expected owner/name.')
  return value
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

type Done = (code: ExitCode) => void

/** The program with its global options, writing to this run's streams. */
function rootCommand(io: CliIo) {
  return (
    new Command('fargate-promote')
      .description(
        'Promote ECS Fargate services dev → staging → production through GitHub environments.'
      )
      .version(VERSION)
      .option(
        '--repo <owner/name>',
        'GitHub repository (default: GITHUB_REPOSITORY)',
        repositoryArgument
      )
      .option('--config <path>', 'config file', DEFAULT_CONFIG_PATH)
      .option('--json', 'one JSON document on stdout, no progress on stderr')
      .option('--color', 'colour the output even when it is not a terminal')
      .option('--no-color', 'no colour (NO_COLOR is honoured too)')
      .addHelpText('afterAll', EXIT_CODES_HELP)
      // `environments apply --help` lists --repo, --config and --json too.
      .configureHelp({ showGlobalOptions: true })
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({
        writeOut: text => io.stdout.write(text),
        writeErr: text => io.stderr.write(text),
        getOutHasColors: () => wantColor(io.stdout, undefined, io.env),
        getErrHasColors: () => wantColor(io.stderr, undefined, io.env)
      })
      // Set before the subcommands are added: they inherit it and throw instead of exiting.
      .exitOverride()
  )
}

type Root = ReturnType<typeof rootCommand>

function addEnvironments(program: Root, io: CliIo, done: Done): void {
  program
    .command('environments')
    .description("Manage the repository's GitHub environments from the config file")
    .command('apply')
    .description(
      'Create or update the GitHub environments (reviewers, wait timer, branch and tag policies) to match the config'
    )
    .option('--dry-run', 'show the changes without applying them')
    .option(
      '--check',
      `change nothing; exit ${EXIT.drift} if anything differs from the config (for a scheduled job)`
    )
    .action(async (options, command) => {
      done(await environmentsApply({ ...command.optsWithGlobals(), ...options }, io))
    })
}

function addInit(program: Root, io: CliIo, done: Done): void {
  program
    .command('init')
    .description(
      'Write .github/fargate-promote.yml and the workflow templates into an application repository'
    )
    .option('--dir <path>', 'the application repository', '.')
    .option(
      '--environments <names>',
      'environments in promotion order, comma-separated',
      'dev,staging,production'
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION or AWS_DEFAULT_REGION)')
    .option(
      '--cluster <[env=]name>',
      'ECS cluster of every environment, or env=name for one (repeatable)',
      collect
    )
    .option(
      '--service <name[:containers]>',
      'ECS service deployed in every environment; containers comma-separated, default its name (repeatable)',
      collect
    )
    .option(
      '--role <env=arn>',
      'IAM role the workflows assume for an environment (repeatable)',
      collect
    )
    .option(
      '--url <env=url>',
      "an environment's URL, checked by health-verify until you add checks (repeatable)",
      collect
    )
    .option(
      '--reviewer <login|org/team>',
      'required reviewer of the last environment (repeatable)',
      collect
    )
    .option('--application <name>', 'application name')
    .option(
      '--templates <dir>',
      'workflow templates to copy (default: those of this fargate-promote)'
    )
    .option('--force', 'overwrite files that exist')
    .option(
      '--yes',
      'ask nothing: use the flags and defaults (clusters and services come from the flags)'
    )
    .action(async (options, command) => {
      done(await init({ ...command.optsWithGlobals(), ...options }, io))
    })
}

/** The command tree. Actions report their exit code through `done`, never process.exitCode. */
export function buildProgram(io: CliIo, done: Done) {
  const program = rootCommand(io)
  addEnvironments(program, io, done)
  addInit(program, io, done)
  return program
}
