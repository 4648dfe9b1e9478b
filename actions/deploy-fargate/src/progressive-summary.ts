import { formatDuration } from '@fargate-promote/common'
import type { ServiceDeployResult } from '@fargate-promote/ecs'
import type { SummaryBuilder } from '@fargate-promote/runner'

const VERDICT = { pass: '✅ pass', fail: '❌ fail', inconclusive: '➖ inconclusive' } as const

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`
}

/**
 * A canary, linear or blue/green deployment of one service: each production traffic step with
 * its weight, how long it baked and its analysis, then the blast radius (the share of
 * production requests that reached the new revision).
 */
export function progressiveDetails(summary: SummaryBuilder, service: ServiceDeployResult): void {
  const progressive = service.progressive
  if (progressive === undefined) return
  summary.heading(`Traffic steps of ${service.service}: ${progressive.outcome}`, 3)
  if (progressive.steps.length === 0) {
    summary.paragraph('No production traffic reached the new revision.')
  } else {
    summary.table(
      ['Stage', 'New revision weight', 'Baked', 'Analysis', 'Why'],
      progressive.steps.map(step => [
        step.stage,
        `${step.weightNew}%`,
        step.endedAt === undefined ? '—' : formatDuration(step.endedAt - step.startedAt),
        step.analysis === undefined ? '—' : VERDICT[step.analysis.verdict],
        step.analysis?.reasons.join('; ') || '—'
      ])
    )
  }
  const { requestsToNew, requestsTotal, share } = progressive.blastRadius
  summary.paragraph(
    `Blast radius: ${percent(share)} of production requests (${requestsToNew} of ${requestsTotal}) reached the new revision.`
  )
  if (progressive.hookId !== undefined) {
    summary.paragraph(
      `Waiting at PAUSE hook ${progressive.hookId}: continue or roll back with ContinueServiceDeployment.`
    )
  }
}
