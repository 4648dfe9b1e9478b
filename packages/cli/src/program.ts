import {
  Command,
  Help,
  InvalidArgumentError,
  Option,
  type CommandUnknownOpts
} from '@commander-js/extra-typings'
import { FARGATE_PROMOTE_VERSION } from '@fargate-promote/common'
import { DEFAULT_CONFIG_PATH, parseRepository } from '@fargate-promote/promotion'
import { deployCommand } from './commands/deploy.js'
import { environmentsApply } from './commands/environments-apply.js'
import { gateCommand } from './commands/gate.js'
import { init } from './commands/init.js'
import {
  DEPLOY_OPTIONS,
  GATE_OPTIONS,
  ROLLBACK_OPTIONS,
  VERIFY_OPTIONS,
  addInputOptions,
  collect,
  type InputOption
} from './commands/input-options.js'
import { addRehearse } from './commands/rehearse-command.js'
import { rollbackCommand } from './commands/rollback.js'
import type { UseCaseFlags } from './commands/session.js'
import { statusCommand } from './commands/status.js'
import { verifyCommand } from './commands/verify.js'
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js'
import type { CliIo } from './io.js'
import { wantColor } from './ui.js'

// The project's release (root package.json), so a packed CLI reports the tag it was released as.
export const VERSION = FARGATE_PROMOTE_VERSION

function repositoryArgument(value: string): string {
  if (parseRepository(value) === undefined) throw new InvalidArgumentError('expected owner/name.')
  return value
}

type Done = (code: ExitCode) => void

/**
 * `--version` of the program, shown in its help but handled by run() before commander parses:
 * commander would take a program option also after a command, and deploy, verify and gate have
 * a --version of their own (the release label, as the actions' `version` input).
 */
export const VERSION_OPTION = new Option('-V, --version', 'output the version number')

/** The root's options in its help, with --version first. */
function visibleOptions(this: Help, command: CommandUnknownOpts): Option[] {
  const options = Help.prototype.visibleOptions.call(this, command)
  return command.parent === null ? [VERSION_OPTION, ...options] : options
}

/** The program with its global options, writing to this run's streams. */
function rootCommand(io: CliIo) {
  return (
    new Command('fargate-promote')
      .description(
        'Promote ECS Fargate services dev → staging → production through GitHub environments.'
      )
      .option(
        '--repo <owner/name>',
        'GitHub repository (default: GITHUB_REPOSITORY)',
        repositoryArgument
      )
      .option('--config <path>', 'config file (none: read no file)', DEFAULT_CONFIG_PATH)
      .option('--json', 'one JSON document on stdout (long commands still show progress on stderr)')
      .option('--color', 'colour the output even when it is not a terminal')
      .option('--no-color', 'no colour (NO_COLOR is honoured too)')
      .addHelpText('afterAll', EXIT_CODES_HELP)
      // `environments apply --help` lists --repo, --config and --json too.
      .configureHelp({ showGlobalOptions: true, visibleOptions })
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

/** The globals and the command-line-only options of a use-case command, as its flags. */
function flagsOf(command: CommandUnknownOpts): UseCaseFlags & { markdown?: boolean } {
  const all: Record<string, unknown> = command.optsWithGlobals()
  const given = command.getOptionValueSourceWithGlobals('config') !== 'default'
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  const flag = (value: unknown) => (typeof value === 'boolean' ? value : undefined)
  const flags: UseCaseFlags & { markdown?: boolean } = {}
  const entries: [keyof typeof flags, unknown][] = [
    ['repo', text(all.repo)],
    ['config', given ? text(all.config) : undefined],
    ['json', flag(all.json)],
    ['color', flag(all.color)],
    ['region', text(all.region)],
    ['github', flag(all.github)],
    ['verbose', flag(all.verbose)],
    ['markdown', flag(all.markdown)]
  ]
  for (const [key, value] of entries)
    if (value !== undefined) Object.assign(flags, { [key]: value })
  return flags
}

/** What every command over AWS takes besides its inputs. */
function addRunOptions(command: CommandUnknownOpts): void {
  command
    .option(
      '--region <region>',
      "AWS region (default: the environment's in the config, else AWS_REGION)"
    )
    .option(
      '--no-github',
      'neither read from nor record on GitHub (default: when GH_TOKEN or GITHUB_TOKEN is set)'
    )
}

type UseCase = (
  flags: UseCaseFlags,
  options: Readonly<Record<string, unknown>>,
  io: CliIo
) => Promise<ExitCode>

interface UseCaseCommand {
  name: string
  description: string
  specs: readonly InputOption[]
  run: UseCase
  example: string
}

const USE_CASES: readonly UseCaseCommand[] = [
  {
    name: 'deploy',
    description:
      'Deploy to ECS and watch it until observed healthy, rolled back or timed out (deploy-fargate)',
    specs: DEPLOY_OPTIONS,
    run: deployCommand,
    example: 'fargate-promote deploy --environment staging --image repo/web:1.4.2'
  },
  {
    name: 'verify',
    description:
      "Run an environment's health checks until they pass, or monitor it (health-verify)",
    specs: VERIFY_OPTIONS,
    run: verifyCommand,
    example: 'fargate-promote verify --environment staging'
  },
  {
    name: 'gate',
    description: 'May this release go to production? The staging gate (staging-gate)',
    specs: GATE_OPTIONS,
    run: gateCommand,
    example: 'fargate-promote gate --version 1.4.2'
  },
  {
    name: 'rollback',
    description: 'Roll a service back to the previous (or a chosen) revision (rollback)',
    specs: ROLLBACK_OPTIONS,
    run: rollbackCommand,
    example: "fargate-promote rollback --environment production --reason 'errors after 1.4.2'"
  }
]

function addUseCases(program: Root, io: CliIo, done: Done): void {
  for (const useCase of USE_CASES) {
    const command = program.command(useCase.name).description(useCase.description)
    addInputOptions(command, useCase.specs)
    addRunOptions(command)
    command
      .option('--verbose', "also the use case's debug lines")
      .addHelpText('after', `\nExample:\n  ${useCase.example}`)
      .action(async (options, self) => {
        done(await useCase.run(flagsOf(self), options, io))
      })
  }
  const status = program
    .command('status')
    .description(
      'The promotion board: what runs in every environment of the config, when and by whom it was deployed, verified, soak left, approvals waiting'
    )
    .option('--markdown', 'a GitHub-flavoured Markdown table (for a job summary or a comment)')
  addRunOptions(status)
  status.action(async (_options, self) => {
    done(await statusCommand(flagsOf(self), io))
  })
}

/** The command tree. Actions report their exit code through `done`, never process.exitCode. */
export function buildProgram(io: CliIo, done: Done) {
  const program = rootCommand(io)
  addEnvironments(program, io, done)
  addInit(program, io, done)
  addUseCases(program, io, done)
  addRehearse(program, io, done)
  return program
}
