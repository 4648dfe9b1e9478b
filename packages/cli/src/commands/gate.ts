import { createCommandRunner, proxyProblems, secretValues } from '@fargate-promote/health'
import {
  gateAndRecord,
  readGateInputs,
  verdictToJson,
  type GateInputs,
  type GateOutcome
} from '@fargate-promote/promotion'
import { formatDuration } from '@fargate-promote/common'
import { createCliClients } from '../aws.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { reportFailure } from '../failures.js'
import type { CliIo } from '../io.js'
import { jsonLine } from '../text.js'
import { table } from '../ui.js'
import { GATE_OPTIONS } from './input-options.js'
import { cell, outcomeText } from './render.js'
import { Session, type UseCaseFlags } from './session.js'

/** One image: its digest reference; several: the object (as staging-gate's `image` output). */
function imageOutput(images: Record<string, string>): unknown {
  const values = Object.values(images)
  if (values.length === 0) return undefined
  return values.length === 1 ? values[0] : images
}

/** staging-gate's outputs (but `report`: the verdict itself is under details). */
export function gateJson(outcome: GateOutcome) {
  const { verdict, checkRun } = outcome
  return {
    ok: outcome.approved,
    approved: outcome.approved,
    image: imageOutput(verdict.images),
    images: verdict.images,
    'task-definition-arn': verdict.taskDefinitionArn,
    version: verdict.version,
    sha: verdict.sha,
    'soaked-for': Math.floor(verdict.soakedForMs / 1000),
    'remaining-soak': Math.ceil(verdict.remainingSoakMs / 1000),
    emergency: verdict.mode === 'emergency',
    'emergency-reason': verdict.mode === 'emergency' ? (verdict.emergency?.reason ?? '') : '',
    'check-run-id': checkRun?.id,
    details: {
      failure: outcome.failure,
      checkRunProblem: checkRun?.problem,
      verdict: JSON.parse(verdictToJson(verdict)) as unknown
    }
  }
}

function verdictLine(outcome: GateOutcome, session: Session): string {
  const { out } = session.ui
  const { verdict } = outcome
  if (verdict.cancelled === true) return out.red('CANCELLED: nothing is approved.')
  if (!outcome.approved) {
    const blocking = verdict.checks.filter(check => check.blocking).map(check => check.name)
    // The details are in the table; an unrecorded bypass blocks with no failed check.
    const why = verdict.approved ? outcome.failure : `blocked by ${blocking.join(', ')}`
    return out.red(`BLOCKED: ${session.safe(why ?? 'see the checks above')}`)
  }
  if (verdict.mode === 'emergency') {
    return out.yellow(
      `APPROVED UNDER AN EMERGENCY BYPASS: ${session.safe(verdict.emergency?.reason ?? '')}`
    )
  }
  return out.green('APPROVED: the release may go to production.')
}

export function printHuman(
  outcome: GateOutcome,
  session: Session,
  unrecorded: string | undefined
): void {
  const { ui } = session
  const { verdict } = outcome
  const rows = verdict.checks.map(check => [
    session.safe(check.name),
    cell(check.service && session.safe(check.service)),
    outcomeText(check.ok ? 'passed' : check.blocking ? 'failed' : 'bypassed', ui.out),
    session.safe(check.detail)
  ])
  ui.print(table(['CHECK', 'SERVICE', 'RESULT', 'DETAIL'], rows, ui.out))
  ui.print(verdictLine(outcome, session))
  for (const [container, image] of Object.entries(verdict.images)) {
    ui.print(`  ${session.safe(container)}: ${session.safe(image)}`)
  }
  if (verdict.remainingSoakMs > 0) {
    ui.print(`Soak left on staging: ${formatDuration(verdict.remainingSoakMs)}.`)
  }
  for (const step of verdict.nextSteps) ui.print(`Next: ${session.safe(step)}`)
  if (outcome.checkRun?.id !== undefined) {
    ui.print(`Recorded as the staging-gate check run ${outcome.checkRun.id} on the commit.`)
  } else if (outcome.checkRun?.problem !== undefined) {
    ui.print(`No check run was written: ${session.safe(outcome.checkRun.problem)}.`)
  } else if (unrecorded !== undefined) {
    ui.print(`Nothing was read from or recorded on GitHub: ${session.safe(unrecorded)}.`)
  }
}

async function evaluate(inputs: GateInputs, session: Session): Promise<GateOutcome> {
  const aws = await createCliClients(session.io.env, await session.region())
  const { progress } = session
  try {
    progress.begin(`staging gate on ${inputs.cluster}`, inputs.checksTimeoutMs)
    return await gateAndRecord(inputs, {
      ...aws.clients,
      commands: createCommandRunner({ env: session.io.env, workspace: session.context.workspace }),
      proxy: session.proxy,
      clock: progress.clock,
      log: progress.log,
      ...(session.signal !== undefined && { signal: session.signal }),
      ...(inputs.githubToken !== undefined && { github: await session.githubClient() })
    })
  } finally {
    progress.end()
    aws.destroy()
  }
}

/** `fargate-promote gate`: the staging gate, as the staging-gate action runs it. */
export async function gateCommand(
  flags: UseCaseFlags,
  options: Readonly<Record<string, unknown>>,
  io: CliIo
): Promise<ExitCode> {
  const session = new Session(flags, options, GATE_OPTIONS, io)
  const { ui } = session
  try {
    const inputs = await session.readInputs(reader =>
      readGateInputs(reader, session.context, session.proxy)
    )
    for (const line of proxyProblems(inputs.checks, session.proxy).warnings) {
      session.progress.log.warning(line)
    }
    for (const value of secretValues(inputs.checks)) session.secret(value)
    const outcome = await evaluate(inputs, session)
    if (ui.json) ui.print(jsonLine(session.redactAll(gateJson(outcome))))
    else printHuman(outcome, session, session.github.unavailable)
    if (outcome.verdict.cancelled === true) return EXIT.cancelled
    return outcome.approved ? EXIT.ok : EXIT.refused
  } catch (error) {
    return reportFailure(error, ui, text => session.redact(text))
  }
}
