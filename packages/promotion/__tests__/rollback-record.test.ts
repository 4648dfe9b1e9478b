import { describe, expect, it } from '@jest/globals'
import type { RollbackResult } from '@fargate-promote/ecs'
import type { HealthReport } from '@fargate-promote/health'
import { finalRecord } from '../src/rollback/run.js'

const TO = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7'
const result = (status: RollbackResult['status'], reason?: string): RollbackResult => ({
  status,
  fromTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:9',
  toTaskDefinitionArn: TO,
  ...(reason ? { reason } : {})
})
const health = (fields: Partial<HealthReport>) => ({ healthy: true, ...fields }) as HealthReport

describe('finalRecord: the GitHub state a rollback ends with', () => {
  it('leaves an unwatched rollback in_progress: nothing was observed', () => {
    expect(finalRecord('started', result('started'), undefined, 'r').state).toBeUndefined()
  })

  it('is error, not failure, when the watch was cancelled with ECS still at work', () => {
    const watched = { ...result('cancelled'), method: 'update-service' as const }
    expect(finalRecord('cancelled', watched, undefined, 'r')).toEqual({
      state: 'error',
      description: 'Cancelled while ECS was rolling back to web:7; check the service'
    })
  })

  it('says so when the run was cancelled before anything was asked of ECS', () => {
    expect(finalRecord('cancelled', result('cancelled'), undefined, 'bad release')).toEqual({
      state: 'error',
      description: 'Cancelled before the rollback was requested: bad release'
    })
  })

  it('is error when the rollback completed but its checks were cancelled', () => {
    const report = health({ healthy: false, cancelled: true, reason: 'cancelled after 2 rounds' })
    expect(finalRecord('rolled-back', result('rolled-back'), report, 'r')).toEqual({
      state: 'error',
      description: 'Rolled back to web:7; the checks after it were cancelled'
    })
  })

  it('is success for an observed rollback with passing or no checks', () => {
    expect(finalRecord('rolled-back', result('rolled-back'), health({}), 'bad release')).toEqual({
      state: 'success',
      description: 'Rolled back to web:7: bad release'
    })
    expect(finalRecord('noop', result('noop'), undefined, 'r').state).toBe('success')
  })

  it('is failure with the reason for a failed rollback or failed checks', () => {
    expect(finalRecord('failed', result('failed', 'circuit breaker'), undefined, 'r')).toEqual({
      state: 'failure',
      description: 'Rollback failed: circuit breaker'
    })
    const report = health({ healthy: false, reason: 'http /health: 500' })
    expect(finalRecord('rolled-back', result('rolled-back'), report, 'r')).toEqual({
      state: 'failure',
      description: 'Runs web:7, but the checks failed: http /health: 500'
    })
    expect(finalRecord('noop', result('noop'), health({ healthy: false }), 'r').description).toBe(
      'Runs web:7, but the checks failed: see the run'
    )
    expect(finalRecord('failed', result('failed'), undefined, 'r').description).toBe(
      'Rollback failed: see the run'
    )
  })
})
