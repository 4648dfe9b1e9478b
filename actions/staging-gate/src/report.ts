import type { GateOutcome } from '@fargate-promote/promotion'
import { Annotations, type OutputValue } from '@fargate-promote/runner'

/** One container: its digest reference; several: a JSON object (container, or service/container). */
function imageOutput(images: Record<string, string>): OutputValue {
  const values = Object.values(images)
  if (values.length === 0) return undefined
  return values.length === 1 ? values[0] : images
}

export function outputsOf(outcome: GateOutcome, reportPath: string): Record<string, OutputValue> {
  const { verdict, checkRun } = outcome
  return {
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
    report: reportPath,
    'check-run-id': checkRun?.id
  }
}

/** Bypassed checks under an emergency, and a check run that could not be written. */
export function annotate(outcome: GateOutcome): void {
  const { verdict, checkRun } = outcome
  const annotations = new Annotations()
  if (verdict.mode === 'emergency') {
    for (const check of verdict.checks.filter(c => !c.ok)) {
      annotations.warning(`${check.name}: ${check.detail}`, {
        title: `Bypassed check: ${check.name}`
      })
    }
  }
  if (checkRun?.problem !== undefined) {
    annotations.warning(`No staging-gate check run was written: ${checkRun.problem}`, {
      title: 'Check run not written'
    })
  }
  annotations.flush()
}
