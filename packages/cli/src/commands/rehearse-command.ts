import type { Command } from '@commander-js/extra-typings'
import { InvalidArgumentError, Option } from '@commander-js/extra-typings'
import type { ExitCode } from '../exit-codes.js'
import type { CliIo } from '../io.js'
import { collect } from './input-options.js'
import { rehearseCommand } from './rehearse.js'

function positive(value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0) {
    // Commander reports it as a usage error (exit 2) naming the option.
    throw new InvalidArgumentError(`must be a positive number, not '${value}'.`)
  }
  return number
}

/** `fargate-promote rehearse <workflow>`: a workflow file run on this machine against the simulator. */
export function addRehearse(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  program
    .command('rehearse')
    .description(
      "Run a workflow file on this machine against the local simulator, with GitHub's own workflow parser and expression engine"
    )
    .argument('<workflow>', 'the workflow file, e.g. .github/workflows/staging.yml')
    .addOption(
      new Option('--event <name>', 'the event that starts it')
        .choices(['push', 'workflow_dispatch'])
        .makeOptionMandatory()
    )
    .option('--ref <ref>', 'the ref it runs on (default: the current branch)')
    .option('--sha <sha>', 'the commit (default: HEAD)')
    .option('--input <name=value>', 'a workflow_dispatch input (repeatable)', collect)
    .option('--var <name=value>', 'a repository variable, vars.NAME (repeatable)', collect)
    .option(
      '--secret <name=value>',
      'a secret, secrets.NAME (repeatable; masked everywhere)',
      collect
    )
    .option(
      '--approve <environment>',
      "approve the environment's required reviewers' review (repeatable)",
      collect
    )
    .option('--reject <environment>', 'reject the review of the environment (repeatable)', collect)
    .option(
      '--sim <url>',
      'use this running simulator (started with --virtual-time) instead of starting one'
    )
    .option(
      '--time-scale <n>',
      'sim seconds per real second when the simulator is started here',
      positive,
      60
    )
    .option('--report <path>', 'where to write the HTML report')
    .option('--strict', 'a read of an output nobody declares or sets is an error, not a warning')
    .option('--actor <login>', 'who starts the run (github.actor)')
    .option('--node <path>', 'the node binary the action bundles run on (default: this one)')
    .action(async (workflow, options, command) => {
      done(await rehearseCommand(workflow, { ...command.optsWithGlobals(), ...options }, io))
    })
}
