import { describe, expect, it } from '@jest/globals'
import {
  deploymentFailureIn,
  EventStream,
  mentionsTargets,
  rollbackTargetIn,
  saysTasksStopped,
  taskIdsIn,
  toEventView
} from '../src/watch/events.js'
import { at, event, T0 } from './watch-fixtures.js'

describe('EventStream', () => {
  it('takes the newest event of the first answer as the baseline and streams later ones oldest first', () => {
    const stream = new EventStream()
    // AWS lists events newest first.
    expect(stream.take([event('b', 10, 'second'), event('a', 5, 'first')])).toEqual([])
    const next = stream.take([
      event('d', 30, 'fourth'),
      event('c', 20, 'third'),
      event('b', 10, 'second'),
      event('a', 5, 'first')
    ])
    expect(next.map(view => view.message)).toEqual(['third', 'fourth'])
    expect(next[0]).toEqual({ id: 'c', at: T0 + 20_000, message: 'third' })
  })

  it('returns each event once, even when AWS shows it again', () => {
    const stream = new EventStream(T0)
    const answer = [event('b', 10, 'second'), event('a', 5, 'first')]
    expect(stream.take(answer).map(view => view.id)).toEqual(['a', 'b'])
    expect(stream.take(answer)).toEqual([])
    expect(stream.take([event('c', 11, 'third'), ...answer]).map(view => view.id)).toEqual(['c'])
  })

  it('streams only events newer than `since`', () => {
    const stream = new EventStream(T0 + 5_000)
    expect(
      stream.take([event('b', 10, 'new'), event('a', 5, 'same ms'), event('z', 1, 'old')])
    ).toEqual([{ id: 'b', at: T0 + 10_000, message: 'new' }])
  })

  it('keeps AWS order for events of the same millisecond', () => {
    const stream = new EventStream(T0)
    // Field: `deployment failed` then, in the same instant, `rolling back`; newest first.
    const views = stream.take([event('y', 3, 'rolling back'), event('x', 3, 'deployment failed')])
    expect(views.map(view => view.message)).toEqual(['deployment failed', 'rolling back'])
  })

  it('has an empty baseline when the service has no events yet', () => {
    const stream = new EventStream()
    expect(stream.take([])).toEqual([])
    expect(stream.take([event('a', -100, 'anything')]).map(view => view.id)).toEqual(['a'])
  })
})

describe('toEventView', () => {
  it('drops events without id or time and defaults an absent message', () => {
    expect(toEventView({ createdAt: at(0), message: 'x' })).toBeUndefined()
    expect(toEventView({ id: 'a', message: 'x' })).toBeUndefined()
    expect(toEventView({ id: 'a', createdAt: at(0) })).toEqual({ id: 'a', at: T0, message: '' })
  })
})

describe('event parsers', () => {
  it.each([
    ['(service web) rolling back to deployment ecs-svc/1111.', 'ecs-svc/1111'],
    ['ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/2222.', 'ecs-svc/2222'],
    ['(service web) has reached a steady state.', undefined],
    [undefined, undefined]
  ])('rollbackTargetIn(%p) = %p', (text, expected) => {
    expect(rollbackTargetIn(text)).toBe(expected)
  })

  it.each([
    [
      '(service web) (deployment ecs-svc/22) deployment failed: tasks failed to start.',
      'ecs-svc/22',
      'tasks failed to start'
    ],
    [
      '(service web) (deployment ecs-svc/22) deployment failed: alarm detected.',
      'ecs-svc/22',
      'alarm detected'
    ],
    [
      '(service web) (deployment ecs-svc/223) deployment failed: tasks failed to start.',
      'ecs-svc/22',
      undefined
    ],
    ['(service web) (deployment ecs-svc/22) deployment completed.', 'ecs-svc/22', undefined]
  ])('deploymentFailureIn(%p, %p) = %p', (message, id, expected) => {
    expect(deploymentFailureIn(message, id)).toBe(expected)
  })

  it.each([
    ['(service web) has stopped 1 running tasks: (task 0f3c).', true],
    ['(service web) stopped 2 running tasks.', true],
    ['(service web) stopped 1 pending tasks.', true],
    [
      '(service web) has started 1 tasks: (task 1a2b). Amazon ECS replaced 1 tasks due to an unhealthy status.',
      true
    ],
    ['(service web) (task 0f3c) failed container health checks.', true],
    ['(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.', true],
    [
      '(service web) was unable to place a task. Reason: ResourceInitializationError: unable to pull secrets.',
      true
    ],
    ['(service web) has started 2 tasks: (task a) (task b).', false],
    ['(service web) has reached a steady state.', false]
  ])('saysTasksStopped(%p) = %p', (message, expected) => {
    expect(saysTasksStopped(message)).toBe(expected)
  })

  it('finds the task ids an event names', () => {
    expect(taskIdsIn('(service web) has started 2 tasks: (task 0f3c9e) (task 1a2b3c).')).toEqual([
      '0f3c9e',
      '1a2b3c'
    ])
    expect(taskIdsIn('(service web) has reached a steady state.')).toEqual([])
  })

  it.each([
    [
      '(service web) registered 2 targets in (target-group arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1)',
      false
    ],
    [
      '(service web) (task 0f3c) (port 8080) is unhealthy in (target-group arn:tg) due to (reason Request timed out).',
      true
    ],
    ['(service web) failed to register targets in (target-group arn:tg) with (error x)', true],
    ['(service web) deregistered 1 targets in (target-group arn:tg)', false],
    ['(service web) has begun draining connections on 1 tasks.', false]
  ])('mentionsTargets(%p) = %p', (message, expected) => {
    expect(mentionsTargets(message)).toBe(expected)
  })
})
