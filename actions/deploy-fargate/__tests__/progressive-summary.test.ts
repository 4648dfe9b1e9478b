import { expect, test } from '@jest/globals'
import type { ServiceDeployResult } from '@fargate-promote/ecs'
import { createSummary } from '@fargate-promote/runner'
import { progressiveDetails } from '../src/progressive-summary.js'

const base: ServiceDeployResult = {
  service: 'web',
  status: 'paused',
  previousTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
  images: {},
  diff: {
    changed: false,
    containersAdded: [],
    containersRemoved: [],
    containers: [],
    otherFieldsChanged: []
  }
}

test('a deployment paused before any traffic: no steps, no blast, the hook to act on', () => {
  const summary = createSummary()
  progressiveDetails(summary, {
    ...base,
    progressive: {
      outcome: 'paused',
      steps: [],
      blastRadius: { requestsToNew: 0, requestsTotal: 540, share: 0 },
      reason: 'Paused at PRE_PRODUCTION_TRAFFIC_SHIFT (hook ecs-pause-1).',
      hookId: 'ecs-pause-1'
    }
  })
  const text = summary.toString()
  expect(text).toContain('Traffic steps of web: paused')
  expect(text).toContain('No production traffic reached the new revision.')
  expect(text).toContain('Blast radius: 0% of production requests (0 of 540)')
  expect(text).toContain('Waiting at PAUSE hook ecs-pause-1')
})

test('a rolling deployment has no traffic steps in the summary', () => {
  const summary = createSummary()
  progressiveDetails(summary, { ...base, status: 'succeeded' })
  expect(summary.toString()).toBe('')
})
