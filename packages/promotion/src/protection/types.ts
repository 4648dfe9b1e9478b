import type { RepositoryRef } from '../github/client.js'

/*
 * Environment protection as data: what the config asks for, what the repository has, and the
 * difference between them. Front ends (the CLI, a scheduled drift check) render a plan their
 * own way; nothing here formats text for a terminal.
 */

/** A required reviewer, resolved to the id GitHub's environments API takes. */
export interface Reviewer {
  type: 'User' | 'Team'
  id: number
  /** `alice` or `shop-org/platform`: how a person names it. */
  name: string
}

/** A deployment branch or tag name pattern (`main`, `release/*`, `v*`). */
export interface BranchPattern {
  name: string
  type: 'branch' | 'tag'
}

/** A pattern as GitHub stores it: deleting it takes its id. */
export interface BranchPolicy extends BranchPattern {
  id: number
}

/**
 * Which refs may deploy: `all` is GitHub's `deployment_branch_policy: null`, `protected` its
 * protected-branches mode, `custom` the listed branch and tag patterns.
 */
export type BranchMode = 'all' | 'protected' | 'custom'

/** The protection settings of one environment, desired or current. */
export interface EnvironmentState<Pattern extends BranchPattern = BranchPattern> {
  waitTimer: number
  reviewers: Reviewer[]
  preventSelfReview: boolean
  branchMode: BranchMode
  /** Only meaningful in `custom` mode; GitHub drops the patterns in the other modes. */
  patterns: Pattern[]
}

export type CurrentEnvironment = EnvironmentState<BranchPolicy>

export type SettingName = 'wait-timer' | 'reviewers' | 'prevent-self-review' | 'branch-policy'

/** One setting that differs; reviewers are listed by name. */
export interface SettingChange {
  setting: SettingName
  from: number | boolean | string | string[]
  to: number | boolean | string | string[]
}

export type EnvironmentAction = 'create' | 'update' | 'none'

export interface EnvironmentPlan {
  name: string
  action: EnvironmentAction
  /** Settings the environment PUT changes (for `create`: those that differ from GitHub's defaults). */
  changes: SettingChange[]
  addPatterns: BranchPattern[]
  removePatterns: BranchPolicy[]
  /** What the environment PUT sends. */
  desired: EnvironmentState
}

export interface ProtectionPlan {
  repo: RepositoryRef
  environments: EnvironmentPlan[]
  /** Environments of the repository that the config does not name: reported, never deleted. */
  unmanaged: string[]
}

/** True when applying the plan would change anything (the drift a `--check` reports). */
export function planHasChanges(plan: ProtectionPlan): boolean {
  return plan.environments.some(environment => environment.action !== 'none')
}
