import type { ServiceEvent } from '@aws-sdk/client-ecs'
import type { ServiceEventView } from '../observe/types.js'

export function toEventView(event: ServiceEvent): ServiceEventView | undefined {
  if (event.id === undefined || event.createdAt === undefined) return undefined
  return { id: event.id, at: event.createdAt.getTime(), message: event.message ?? '' }
}

/**
 * The service events of one service as a stream: each call to `take` returns the events not
 * returned before that are newer than the baseline, oldest first. AWS lists events newest
 * first, keeps only the 100 most recent and may show an event again on the next call, so
 * events are deduplicated by id. Without `since`, the newest event of the first answer is the
 * baseline: what happened before the watch is history, not news.
 */
export class EventStream {
  private baseline: number | undefined
  private readonly seen = new Set<string>()

  constructor(since?: number) {
    this.baseline = since
  }

  take(events: readonly ServiceEvent[]): ServiceEventView[] {
    // Reversed first, so events with the same timestamp keep AWS's order after the stable sort.
    const views = [...events]
      .reverse()
      .map(toEventView)
      .filter((view): view is ServiceEventView => view !== undefined)
      .sort((a, b) => a.at - b.at)
    if (this.baseline === undefined) {
      this.baseline = views.reduce((newest, view) => Math.max(newest, view.at), -Infinity)
      return []
    }
    const baseline = this.baseline
    const fresh = views.filter(view => view.at > baseline && !this.seen.has(view.id))
    for (const view of fresh) this.seen.add(view.id)
    return fresh
  }
}

const ROLLING_BACK = /rolling back to (?:deployment|deploymentId) (ecs-svc\/[\w-]+)/i

/** `rolling back to deployment ecs-svc/1` (event) or `…deploymentId ecs-svc/1.` (rolloutStateReason). */
export function rollbackTargetIn(text: string | undefined): string | undefined {
  return ROLLING_BACK.exec(text ?? '')?.[1]
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The cause in `(service web) (deployment ID) deployment failed: <cause>.`, for that ID. */
export function deploymentFailureIn(message: string, deploymentId: string): string | undefined {
  const pattern = new RegExp(
    `\\(deployment ${escapeRegExp(deploymentId)}\\) deployment failed: (.+?)\\.?$`
  )
  return pattern.exec(message)?.[1]
}

const TASKS_STOPPED =
  /\bstopped \d+ (?:running |pending )?tasks|replaced \d+ tasks|failed container health checks|is unhealthy in|deployment failed|unable to place a task|unable to consistently start tasks/i

/** Events after which a task of the deployment may have stopped. */
export function saysTasksStopped(message: string): boolean {
  return TASKS_STOPPED.test(message)
}

/** Task ids named in an event: `(task 0f3c…)`. */
export function taskIdsIn(message: string): string[] {
  return [...message.matchAll(/\(task ([0-9a-zA-Z-]+)\)/g)].map(match => match[1] as string)
}

/**
 * Events after which the health of our targets is worth a look before the deployment
 * completes: a target found unhealthy, a registration that failed. A new registration means
 * `initial` health for the next checks, deregistration and draining concern the old tasks,
 * and completion is checked anyway, so those cost no call.
 */
export function mentionsTargets(message: string): boolean {
  return /is unhealthy in|failed to register targets/i.test(message)
}
