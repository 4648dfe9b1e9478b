import { formatDuration } from '@fargate-promote/common'
import type { ProgressiveResult, ServiceDeployResult } from '@fargate-promote/ecs'
import type { SummaryBuilder } from '@fargate-promote/runner'

const VERDICT = { pass: '✅ pass', fail: '❌ fail', inconclusive: '➖ inconclusive' } as const

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`
}

/** The rows of the table: blue/green's test traffic first, then each production step. */
function rows(progressive: ProgressiveResult): string[][] {
  const test = progressive.testTraffic
  const testRow =
    test === undefined
      ? []
      : [
          [
            'POST_TEST_TRAFFIC_SHIFT (test listener)',
            '0%',
            formatDuration(test.endedAt - test.startedAt),
            test.passed ? VERDICT.pass : VERDICT.fail,
            test.reasons.join('; ') || '—'
          ]
        ]
  const steps = progressive.steps.map(step => [
    step.stage,
    `${step.weightNew}%`,
    step.endedAt === undefined ? '—' : formatDuration(step.endedAt - step.startedAt),
    step.analysis === undefined ? '—' : VERDICT[step.analysis.verdict],
    step.analysis?.reasons.join('; ') || '—'
  ])
  return [...testRow, ...steps]
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
  const table = rows(progressive)
  if (table.length > 0) {
    summary.table(['Stage', 'New revision weight', 'Baked', 'Analysis', 'Why'], table)
  }
  if (progressive.steps.length === 0) {
    summary.paragraph('No production traffic reached the new revision.')
  }
  const { requestsToNew, requestsTotal, share } = progressive.blastRadius
  summary.paragraph(
    `Blast radius: ${percent(share)} of production requests (${requestsToNew} of ${requestsTotal}) reached the new revision.`
  )
  if (progressive.hookId !== undefined) {
    summary.paragraph(
      `Waiting at PAUSE hook ${progressive.hookId}${progressive.pausedAt ? ` (${progressive.pausedAt})` : ''}: run this step again with resume: continue, or resume: abort to roll back.`
    )
  }
}
