import { errorMessage } from '@fargate-promote/common'
import type { GitHubClient } from '../github/client.js'
import { requestExpecting, requestOk } from '../github/requests.js'
import type { EnvironmentPlan, EnvironmentState, ProtectionPlan } from './types.js'

const ENVIRONMENT = 'PUT /repos/{owner}/{repo}/environments/{environment_name}'
const POLICIES = '/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies'

/** A failed apply: which environments were already applied, and which one failed. */
export class ApplyError extends Error {
  constructor(
    readonly environment: string,
    readonly applied: readonly string[],
    cause: unknown
  ) {
    super(`Applying environment '${environment}' failed: ${errorMessage(cause)}`, { cause })
    this.name = 'ApplyError'
  }
}

/** The PUT body: every setting, so the environment ends up as desired whatever it was. */
function environmentBody(desired: EnvironmentState) {
  return {
    wait_timer: desired.waitTimer,
    prevent_self_review: desired.preventSelfReview,
    reviewers: desired.reviewers.map(({ type, id }) => ({ type, id })),
    deployment_branch_policy:
      desired.branchMode === 'all'
        ? null
        : {
            protected_branches: desired.branchMode === 'protected',
            custom_branch_policies: desired.branchMode === 'custom'
          }
  }
}

async function applyEnvironment(
  github: GitHubClient,
  plan: ProtectionPlan,
  environment: EnvironmentPlan
): Promise<void> {
  const where = { owner: plan.repo.owner, repo: plan.repo.repo, environment_name: environment.name }
  if (environment.action === 'create' || environment.changes.length > 0) {
    await requestOk(github, ENVIRONMENT, { ...where, ...environmentBody(environment.desired) })
  }
  for (const policy of environment.removePatterns) {
    await requestOk(github, `DELETE ${POLICIES}/{branch_policy_id}`, {
      ...where,
      branch_policy_id: policy.id
    })
  }
  for (const pattern of environment.addPatterns) {
    // GitHub answers 303 See Other when the pattern exists already: what was wanted.
    await requestExpecting(github, `POST ${POLICIES}`, { ...where, ...pattern }, [303])
  }
}

/**
 * Applies a plan: PUT environment for created or changed settings, then DELETE and POST the
 * branch and tag patterns. One environment at a time, in the plan's order: GitHub asks
 * integrations to send mutating requests one after another. Returns the applied names.
 */
export async function applyPlan(plan: ProtectionPlan, github: GitHubClient): Promise<string[]> {
  const applied: string[] = []
  for (const environment of plan.environments) {
    if (environment.action === 'none') continue
    try {
      await applyEnvironment(github, plan, environment)
    } catch (error) {
      throw new ApplyError(environment.name, applied, error)
    }
    applied.push(environment.name)
  }
  return applied
}
