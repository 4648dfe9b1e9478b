import { formatDuration } from '@fargate-promote/common'
import { formatDiff, shortName, type ServiceDeployResult } from '@fargate-promote/ecs'
import {
  deployAndRecord,
  readDeployInputs,
  rollBackCancelledDeploy,
  type CancelledDeployRollback,
  type DeployCheckpoint,
  type DeployInputs,
  type DeployOutcome
} from '@fargate-promote/promotion'
import { createCliClients, type CliAwsClients } from '../aws.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { reportFailure } from '../failures.js'
import type { CliIo } from '../io.js'
import { jsonLine } from '../text.js'
import { table } from '../ui.js'
import { DEPLOY_OPTIONS } from './input-options.js'
import { cell, clip, outcomeText } from './render.js'
import { Session, type UseCaseFlags } from './session.js'

export interface DeployRun {
  inputs: DeployInputs
  outcome: DeployOutcome
  /** What was done after a cancellation: the services put back where they were. */
  undo?: CancelledDeployRollback
}

/** Why no GitHub deployment was recorded, when none was. */
export function notRecorded(inputs: DeployInputs, session: Session): string | undefined {
  if (inputs.record !== undefined) return undefined
  if (inputs.dryRun) return 'a dry run records nothing'
  if (session.github.unavailable !== undefined) return session.github.unavailable
  return 'no --environment names the GitHub environment to record it in'
}

function serviceRows(run: DeployRun, session: Session): string[][] {
  const { out } = session.ui
  return run.outcome.result.services.map((service: ServiceDeployResult) => [
    session.safe(service.service),
    outcomeText(service.status, out),
    cell(service.taskDefinitionArn && session.safe(shortName(service.taskDefinitionArn))),
    cell(session.safe(shortName(service.previousTaskDefinitionArn))),
    cell(service.deploymentId && session.safe(service.deploymentId)),
    // Cut: the whole reason is the verdict line's.
    cell(service.failureReason && clip(session.safe(service.failureReason), 60))
  ])
}

function verdictLine(run: DeployRun, session: Session): string {
  const { inputs, outcome } = run
  const { result } = outcome
  const target = session.safe(`${inputs.cluster}/${inputs.services.join(',')}`)
  const took = formatDuration(session.elapsedMs())
  if (outcome.cancelled) return `Cancelled while deploying ${target}.`
  switch (result.status) {
    case 'succeeded':
      return `Deployed ${session.safe(inputs.version)} to ${target} in ${took}.`
    case 'dry-run':
      return `Dry run of ${target}: nothing was registered or deployed.`
    case 'started':
      return `ECS accepted the update of ${target}; not watched (--no-wait): nothing is claimed about its outcome.`
    default:
      return `Deployment ${result.status}: ${session.safe(result.failureReason ?? 'see the lines above')}`
  }
}

function undoLines(undo: CancelledDeployRollback | undefined, session: Session): string[] {
  if (undo === undefined || undo.action === 'nothing') return []
  if (undo.action === 'kept') return ['--on-failure none: the services were left as they are.']
  return undo.rollbacks.map(({ service, result, error }) =>
    session.safe(
      result === undefined
        ? `${service}: not rolled back: ${error ?? 'unknown error'}`
        : `${service}: rolled back to ${shortName(result.toTaskDefinitionArn)} (${result.status})`
    )
  )
}

export function printHuman(run: DeployRun, session: Session): void {
  const { ui } = session
  const { inputs, outcome } = run
  if (outcome.result.status === 'dry-run') {
    for (const service of outcome.result.services) {
      ui.print(ui.out.bold(session.safe(`Changes for ${service.service}:`)))
      for (const line of formatDiff(service.diff)) ui.print(`  ${session.safe(line)}`)
    }
  }
  const head = ['SERVICE', 'STATUS', 'REVISION', 'PREVIOUS', 'DEPLOYMENT', 'REASON']
  ui.print(table(head, serviceRows(run, session), ui.out))
  ui.print(verdictLine(run, session))
  for (const line of undoLines(run.undo, session)) ui.print(line)
  const why = notRecorded(inputs, session)
  if (outcome.githubDeploymentId !== undefined && inputs.record !== undefined) {
    ui.print(
      session.safe(
        `Recorded as GitHub deployment ${outcome.githubDeploymentId} in ${inputs.record.owner}/${inputs.record.repo} (${inputs.record.environment}).`
      )
    )
  } else if (why !== undefined) {
    ui.print(`Nothing was recorded on GitHub: ${session.safe(why)}.`)
  }
}

/** The action's outputs, and the details a script may want. */
export function deployJson(run: DeployRun, session: Session) {
  const { inputs, outcome } = run
  const { result } = outcome
  const first = result.services[0]
  return {
    ok: outcome.failure === undefined,
    status: outcome.cancelled ? 'cancelled' : result.status,
    'task-definition-arn': first?.taskDefinitionArn,
    'previous-task-definition-arn': first?.previousTaskDefinitionArn,
    'deployment-id': first?.deploymentId,
    'service-deployment-arn': first?.serviceDeploymentArn,
    images: first?.images ?? {},
    services: result.services.map(service => ({
      service: service.service,
      status: service.status,
      taskDefinitionArn: service.taskDefinitionArn,
      previousTaskDefinitionArn: service.previousTaskDefinitionArn,
      deploymentId: service.deploymentId,
      failureReason: service.failureReason,
      rollback: service.rollback?.status,
      diff: formatDiff(service.diff)
    })),
    'failure-reason': outcome.failure ?? '',
    'duration-seconds': Math.round(session.elapsedMs() / 1000),
    'github-deployment-id': outcome.githubDeploymentId,
    details: {
      cluster: inputs.cluster,
      version: inputs.version,
      environment: inputs.environmentName,
      recorded: outcome.githubDeploymentId !== undefined,
      notRecorded: notRecorded(inputs, session),
      preDeploy: result.preDeploy,
      prunedRevisions: result.prunedRevisions,
      cancelled: outcome.cancelled,
      undo: run.undo
    }
  }
}

async function deployWith(
  inputs: DeployInputs,
  clients: CliAwsClients,
  session: Session
): Promise<DeployRun> {
  const { ecs, elb } = clients
  const { progress } = session
  let checkpoint: DeployCheckpoint | undefined
  progress.begin(
    `deploy of ${inputs.services.join(', ')} in ${inputs.cluster}`,
    inputs.wait && !inputs.dryRun ? inputs.timeoutMs : undefined
  )
  const outcome = await deployAndRecord(inputs, {
    ecs,
    elb,
    clock: progress.clock,
    log: progress.log,
    ...(session.signal !== undefined && { signal: session.signal }),
    checkpoint: saved => (checkpoint = saved),
    ...(inputs.record !== undefined && { github: () => session.githubClient() })
  })
  progress.end()
  if (!outcome.cancelled || checkpoint === undefined) return { inputs, outcome }
  // What the action's post step does: the services go back to the revisions live before.
  progress.write('Cancelled: putting the services back on the revisions live before the deploy.')
  const undo = await rollBackCancelledDeploy(checkpoint, {
    ecs,
    elb,
    clock: progress.clock,
    log: progress.log
  })
  return { inputs, outcome, undo }
}

/** `fargate-promote deploy`: deployAndRecord, as the deploy-fargate action runs it. */
export async function deployCommand(
  flags: UseCaseFlags,
  options: Readonly<Record<string, unknown>>,
  io: CliIo
): Promise<ExitCode> {
  const session = new Session(flags, options, DEPLOY_OPTIONS, io)
  const { ui } = session
  try {
    const inputs = await session.readInputs(reader => readDeployInputs(reader, session.context))
    const aws = await createCliClients(io.env, await session.region())
    let run: DeployRun
    try {
      run = await deployWith(inputs, aws.clients, session)
    } finally {
      session.progress.end()
      aws.destroy()
    }
    if (ui.json) ui.print(jsonLine(session.redactAll(deployJson(run, session))))
    else printHuman(run, session)
    if (run.outcome.cancelled) return EXIT.cancelled
    return run.outcome.failure === undefined ? EXIT.ok : EXIT.failed
  } catch (error) {
    return reportFailure(error, ui, text => session.redact(text))
  }
}
