import type { EnvironmentEvent, StepResult } from '../model.js'
import { actionKey } from '../stand-ins/builtin.js'
import type { Engine } from './context.js'
import type { JobState } from './job-state.js'

export function addEvent(engine: Engine, event: EnvironmentEvent): void {
  engine.timeline.push(event)
  engine.listener.environment(event)
}

function eventOf(
  action: string,
  outputs: Record<string, string>,
  given: Record<string, string>
): Pick<EnvironmentEvent, 'kind' | 'detail'> | undefined {
  const version = given.version || outputs.version || ''
  if (action === 'deploy-fargate') {
    if (outputs.status === 'succeeded')
      return { kind: 'deployed', detail: `deployed ${version}`.trim() }
    if (outputs.status === undefined) return undefined
    const reason = outputs['failure-reason'] ? `: ${outputs['failure-reason']}` : ''
    return {
      kind: 'deployment-failed',
      detail: `deploy of ${version} ${outputs.status}${reason}`.replace(/\s+/g, ' ')
    }
  }
  if (action === 'rollback' && outputs.status !== undefined && outputs.status !== 'noop') {
    return {
      kind: 'rolled-back',
      detail: `rollback ${outputs.status} to ${outputs.version ?? outputs['task-definition-arn'] ?? '?'}`
    }
  }
  if (action === 'health-verify' && outputs.healthy !== undefined) {
    return outputs.healthy === 'true'
      ? {
          kind: 'verified',
          detail: `verified ${given.mode === 'monitor' ? '(monitoring window)' : ''}`.trim()
        }
      : { kind: 'deployment-failed', detail: `checks failed: ${outputs['failed-checks'] ?? ''}` }
  }
  return undefined
}

/** What our actions did to an environment, from their outputs, for the timeline. */
export function trackEnvironmentEvents(
  job: JobState,
  step: StepResult,
  given: Record<string, string>
): void {
  const action =
    actionKey(step.uses ?? '')
      .split('/')
      .pop() ?? ''
  const event = eventOf(action, step.outputs, given)
  const environment = given.environment || job.result.environment?.name
  if (event === undefined || !environment) return
  addEvent(job.engine, { environment, at: job.engine.now(), job: job.result.key, ...event })
}
