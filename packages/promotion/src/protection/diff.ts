import { GITHUB_DEFAULTS } from './desired.js'
import type {
  BranchPattern,
  CurrentEnvironment,
  EnvironmentPlan,
  EnvironmentState,
  Reviewer,
  SettingChange
} from './types.js'

const reviewerKey = (reviewer: Reviewer) => `${reviewer.type}:${reviewer.id}`
const patternKey = (pattern: BranchPattern) => `${pattern.type}:${pattern.name}`
const reviewerNames = (reviewers: readonly Reviewer[]) => reviewers.map(r => r.name)

function sameSet<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): boolean {
  const keys = new Set(a.map(key))
  return a.length === b.length && b.every(item => keys.has(key(item)))
}

/** The settings the environment PUT would change, in the order a person reads them. */
function settingChanges(current: EnvironmentState, desired: EnvironmentState): SettingChange[] {
  const changes: SettingChange[] = []
  if (current.waitTimer !== desired.waitTimer) {
    changes.push({ setting: 'wait-timer', from: current.waitTimer, to: desired.waitTimer })
  }
  if (!sameSet(current.reviewers, desired.reviewers, reviewerKey)) {
    const [from, to] = [reviewerNames(current.reviewers), reviewerNames(desired.reviewers)]
    changes.push({ setting: 'reviewers', from, to })
  }
  if (current.preventSelfReview !== desired.preventSelfReview) {
    const [from, to] = [current.preventSelfReview, desired.preventSelfReview]
    changes.push({ setting: 'prevent-self-review', from, to })
  }
  if (current.branchMode !== desired.branchMode) {
    changes.push({ setting: 'branch-policy', from: current.branchMode, to: desired.branchMode })
  }
  return changes
}

/**
 * What it takes to bring one environment from its current state (undefined: it does not exist)
 * to the desired one. Patterns are compared only in custom mode: GitHub drops them otherwise.
 */
export function diffEnvironment(
  name: string,
  desired: EnvironmentState,
  current: CurrentEnvironment | undefined
): EnvironmentPlan {
  const base = current ?? GITHUB_DEFAULTS
  const changes = settingChanges(base, desired)
  const currentPatterns = current?.branchMode === 'custom' ? current.patterns : []
  const wanted = new Set(desired.patterns.map(patternKey))
  const existing = new Set(currentPatterns.map(patternKey))
  const custom = desired.branchMode === 'custom'
  const addPatterns = custom ? desired.patterns.filter(p => !existing.has(patternKey(p))) : []
  const removePatterns = custom ? currentPatterns.filter(p => !wanted.has(patternKey(p))) : []
  const differs = changes.length > 0 || addPatterns.length > 0 || removePatterns.length > 0
  const action = current === undefined ? 'create' : differs ? 'update' : 'none'
  return { name, action, changes, addPatterns, removePatterns, desired }
}
