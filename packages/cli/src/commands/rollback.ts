import { shortName } from '@fargate-promote/ecs'
import { createCommandRunner, proxyProblems, secretValues } from '@fargate-promote/health'
import {
  readRollbackInputs,
  rollbackAndRecord,
  type RollbackInputs,
  type RollbackOutcome
} from '@fargate-promote/promotion'
import { createCliClients } from '../aws.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { reportFailure } from '../failures.js'
import type { CliIo } from '../io.js'
import { jsonLine } from '../text.js'
import { table } from '../ui.js'
import { ROLLBACK_OPTIONS } from './input-options.js'
import { cell, healthTable, outcomeText } from './render.js'
import { Session, type UseCaseFlags } from './session.js'

/** Why the command fails, in one sentence (as the rollback action says it); undefined: it passed. */
export function rollbackFailure(
  outcome: RollbackOutcome,
  inputs: RollbackInputs
): string | undefined {
  const { service } = inputs
  const to = shortName(outcome.toTaskDefinitionArn)
  const why = (reason: string | undefined) => reason ?? 'see the lines above'
  if (outcome.status === 'cancelled') {
    return outcome.result.method === undefined
      ? `cancelled before the rollback was requested; ${service} was not changed.`
      : `cancelled while ${service} was rolling back to ${to}; ECS carries on with it. Check the service before acting again.`
  }
  if (outcome.status === 'failed') {
    return `${service} was not rolled back: ${why(outcome.result.reason)}`
  }
  const health = outcome.health
  if (health && !health.healthy) {
    return `${service} was rolled back to ${to}, but the checks ${health.cancelled ? 'were cancelled' : 'failed'}: ${why(health.reason)}`
  }
  return undefined
}

function notRecorded(inputs: RollbackInputs, session: Session): string | undefined {
  if (inputs.record !== undefined) return undefined
  return (
    session.github.unavailable ?? 'no --environment names the GitHub environment to record it in'
  )
}

/** rollback's outputs, and the details. */
export function rollbackJson(outcome: RollbackOutcome, inputs: RollbackInputs, session: Session) {
  const failure = rollbackFailure(outcome, inputs)
  return {
    ok: failure === undefined,
    status: outcome.status,
    'task-definition-arn': outcome.toTaskDefinitionArn,
    'from-task-definition-arn': outcome.result.fromTaskDefinitionArn,
    version: outcome.version ?? '',
    'duration-seconds': Math.round(session.elapsedMs() / 1000),
    healthy: outcome.health === undefined ? '' : String(outcome.health.healthy),
    'github-deployment-id': outcome.records.deploymentId,
    details: {
      cluster: inputs.cluster,
      service: inputs.service,
      to: inputs.toText,
      reason: inputs.reason,
      target: outcome.target.source,
      reinstatedFrom: outcome.reinstatedFrom,
      failure,
      resultReason: outcome.result.reason,
      notRecorded: notRecorded(inputs, session),
      checks: outcome.health?.checks
    }
  }
}

export function printHuman(
  outcome: RollbackOutcome,
  inputs: RollbackInputs,
  session: Session
): void {
  const { ui } = session
  const rows = [
    [
      session.safe(inputs.service),
      outcomeText(outcome.status, ui.out),
      session.safe(shortName(outcome.result.fromTaskDefinitionArn)),
      session.safe(shortName(outcome.toTaskDefinitionArn)),
      cell(outcome.version && session.safe(outcome.version)),
      cell(outcome.result.reason && session.safe(outcome.result.reason))
    ]
  ]
  ui.print(table(['SERVICE', 'STATUS', 'FROM', 'TO', 'VERSION', 'REASON'], rows, ui.out))
  if (outcome.health) ui.print(healthTable(outcome.health, ui.out, text => session.safe(text)))
  const failure = rollbackFailure(outcome, inputs)
  if (failure !== undefined) ui.print(ui.out.red(session.safe(failure)))
  const id = outcome.records.deploymentId
  const why = notRecorded(inputs, session)
  if (id !== undefined && inputs.record !== undefined) {
    const { owner, repo, environment } = inputs.record
    ui.print(
      session.safe(`Recorded as GitHub deployment ${id} in ${owner}/${repo} (${environment}).`)
    )
  } else if (why !== undefined) {
    ui.print(`Nothing was recorded on GitHub: ${session.safe(why)}.`)
  }
}

async function rollBack(inputs: RollbackInputs, session: Session): Promise<RollbackOutcome> {
  const aws = await createCliClients(session.io.env, await session.region())
  const { progress } = session
  const checksMs = inputs.checks.length > 0 ? inputs.checksTimeoutMs : 0
  try {
    progress.begin(
      `rollback of ${inputs.service} in ${inputs.cluster}`,
      inputs.wait ? inputs.timeoutMs + checksMs : undefined
    )
    return await rollbackAndRecord(inputs, {
      ...aws.clients,
      commands: createCommandRunner({ env: session.io.env, workspace: session.context.workspace }),
      proxy: session.proxy,
      clock: progress.clock,
      log: progress.log,
      ...(session.signal !== undefined && { signal: session.signal }),
      ...(inputs.record !== undefined && { github: () => session.githubClient() })
    })
  } finally {
    progress.end()
    aws.destroy()
  }
}

/** `fargate-promote rollback`: rollbackAndRecord, as the rollback action runs it. */
export async function rollbackCommand(
  flags: UseCaseFlags,
  options: Readonly<Record<string, unknown>>,
  io: CliIo
): Promise<ExitCode> {
  const session = new Session(flags, options, ROLLBACK_OPTIONS, io)
  const { ui } = session
  try {
    const inputs = await session.readInputs(reader =>
      readRollbackInputs(reader, session.context, session.proxy)
    )
    for (const line of proxyProblems(inputs.checks, session.proxy).warnings) {
      session.progress.log.warning(line)
    }
    for (const value of secretValues(inputs.checks)) session.secret(value)
    const outcome = await rollBack(inputs, session)
    if (ui.json) ui.print(jsonLine(session.redactAll(rollbackJson(outcome, inputs, session))))
    else printHuman(outcome, inputs, session)
    if (outcome.status === 'cancelled' || outcome.health?.cancelled === true) {
      return EXIT.cancelled
    }
    return rollbackFailure(outcome, inputs) === undefined ? EXIT.ok : EXIT.failed
  } catch (error) {
    return reportFailure(error, ui, text => session.redact(text))
  }
}
