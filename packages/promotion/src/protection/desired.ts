import type { ProtectionConfig } from '../config/schema.js'
import { reviewersOf } from './reviewers.js'
import type { BranchPattern, EnvironmentState, Reviewer } from './types.js'

/** What a new environment has on GitHub before anything is set. */
export const GITHUB_DEFAULTS: EnvironmentState = {
  waitTimer: 0,
  reviewers: [],
  preventSelfReview: false,
  branchMode: 'all',
  patterns: []
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>()
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item)
  return [...seen.values()]
}

/**
 * The environment state a protection section asks for. No `branches` and no `tags` means every
 * branch may deploy (GitHub's `deployment_branch_policy: null`); either one listed switches to
 * custom policies with exactly those patterns, so `branches: []` means no branch may deploy.
 */
export function desiredState(
  protection: ProtectionConfig,
  resolved: ReadonlyMap<string, Reviewer>
): EnvironmentState {
  const { users, teams } = protection.reviewers
  const reviewers = unique(reviewersOf(users, teams, resolved), r => `${r.type}:${r.id}`)
  const custom = protection.branches !== undefined || protection.tags !== undefined
  const patterns: BranchPattern[] = [
    ...(protection.branches ?? []).map(name => ({ name, type: 'branch' as const })),
    ...(protection.tags ?? []).map(name => ({ name, type: 'tag' as const }))
  ]
  return {
    waitTimer: protection['wait-timer'],
    reviewers,
    // GitHub keeps prevent_self_review on the required-reviewers rule, which exists only with
    // reviewers: without any, it would read back as false and look like drift on every run.
    preventSelfReview: reviewers.length > 0 && protection['prevent-self-review'],
    branchMode: custom ? 'custom' : 'all',
    patterns: custom ? unique(patterns, p => `${p.type}:${p.name}`) : []
  }
}

/**
 * Monitoring and rollback jobs run in `<name>-monitor`: an automatic rollback at night must not
 * wait for production's reviewers and wait timer, and monitor.yml runs every 15 minutes. Its
 * OIDC subject (`environment:<name>-monitor`) lets the AWS trust policy give those jobs the
 * read-and-rollback role only.
 */
export function monitorEnvironmentName(name: string): string {
  return `${name}-monitor`
}

/** No reviewers and no wait timer; the same branches and tags as the environment it watches. */
export function monitorState(watched: EnvironmentState): EnvironmentState {
  return { ...watched, waitTimer: 0, reviewers: [], preventSelfReview: false }
}
