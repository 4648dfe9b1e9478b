import { formatDuration } from '@fargate-promote/common'
import { shortName } from '@fargate-promote/ecs'
import type { GateCheck, GateInputs, GateOutcome, GateVerdict } from '@fargate-promote/promotion'
import { createSummary } from '@fargate-promote/runner'

function release(verdict: GateVerdict): string {
  return verdict.version ?? verdict.sha?.slice(0, 12) ?? 'the candidate'
}

function failed(verdict: GateVerdict): GateCheck[] {
  return verdict.checks.filter(check => !check.ok)
}

function headline(verdict: GateVerdict): string {
  const failures = failed(verdict).length
  if (verdict.cancelled === true) {
    return `⏹️ CANCELLED: no verdict for ${release(verdict)}; nothing is approved`
  }
  if (verdict.mode === 'emergency') {
    return `🚨 EMERGENCY BYPASS: ${release(verdict)} released with ${failures} failing check${failures === 1 ? '' : 's'}`
  }
  if (verdict.approved) return `✅ APPROVED: ${release(verdict)} may go to production`
  return `❌ BLOCKED: ${failures} of ${verdict.checks.length} checks failed for ${release(verdict)}`
}

function result(check: GateCheck): string {
  if (check.ok) return '✅ pass'
  return check.blocking ? '❌ fail' : '⚠️ fail (bypassed)'
}

function when(ms: number | undefined): string {
  return ms === undefined ? '—' : new Date(ms).toISOString()
}

/** The job summary: the verdict first, then the checks, what runs on staging and what to do. */
export async function writeGateSummary(options: {
  outcome: GateOutcome
  inputs: GateInputs
  reportPath: string
}): Promise<void> {
  const { verdict, checkRun } = options.outcome
  const settings = options.inputs
  const summary = createSummary()
  summary.heading(headline(verdict), 2)
  if (verdict.mode === 'emergency') {
    const emergency = verdict.emergency
    summary.paragraph(
      `EMERGENCY BYPASS by ${emergency?.actor ?? 'an unknown actor'}: ${emergency?.reason ?? ''}`
    )
    summary.paragraph(
      `${failed(verdict).length} failing check(s) did not block this release. The bypass is recorded in the check run, the outputs and this summary. Production approval still rests with the reviewers of the GitHub environment; the gate approves nothing on their behalf.`
    )
  }
  summary.paragraph(
    `Staging: ${settings.cluster}/${settings.services.join(', ')} · GitHub environment ${settings.environment}`
  )
  summary.table(
    ['Check', 'Result', 'Detail'],
    verdict.checks.map(check => [check.name, result(check), check.detail])
  )
  const soak = `Soak: ${formatDuration(verdict.soakedForMs)} of ${formatDuration(verdict.minSoakMs)}`
  summary.paragraph(
    verdict.remainingSoakMs > 0
      ? `${soak}, ${formatDuration(verdict.remainingSoakMs)} to go.`
      : `${soak}.`
  )

  summary.heading('Running on staging', 3)
  summary.table(
    ['Service', 'Task definition', 'Version', 'Commit', 'Tasks', 'Live since', 'Candidate'],
    verdict.services.map(service => [
      service.service,
      service.taskDefinitionArn === undefined ? '—' : shortName(service.taskDefinitionArn),
      service.version ?? '—',
      service.commit?.slice(0, 12) ?? '—',
      service.runningTasks,
      when(service.liveSince),
      service.isCandidate === true ? 'yes' : 'no'
    ])
  )
  const images = verdict.services.flatMap(service =>
    Object.entries(service.images).map(([container, image]) => [service.service, container, image])
  )
  if (images.length > 0) summary.table(['Service', 'Container', 'Image (digest)'], images)
  if (verdict.taskDefinitionArn !== undefined) {
    summary.paragraph(`Task definition: ${verdict.taskDefinitionArn}`)
  }
  if (verdict.sha !== undefined) summary.paragraph(`Commit: ${verdict.sha}`)

  if (verdict.nextSteps.length > 0) {
    summary.heading(
      verdict.mode === 'emergency' ? 'Follow up after the bypass' : 'What to do next',
      3
    )
    summary.list(verdict.nextSteps)
  }
  if (checkRun?.url !== undefined) {
    summary.link('The staging-gate check run on the commit', checkRun.url)
  } else if (checkRun?.problem !== undefined) {
    summary.paragraph(`No check run was written: ${checkRun.problem}`)
  }
  summary.paragraph(`Report: ${options.reportPath}`)
  await summary.write()
}
