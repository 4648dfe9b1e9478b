import type { GitHubResponse } from '../contract.js'
import * as checkRuns from './check-runs.js'
import * as commits from './commits.js'
import { compare } from './compare.js'
import * as deployments from './deployments.js'
import * as environments from './environments.js'
import type { BaseContext, RouteContext } from './state.js'
import * as users from './users.js'
import * as workflowRuns from './workflow-runs.js'

/**
 * Path patterns: `:name` is one segment (URL-decoded, so `%2F` in an environment name is a
 * slash), `*name` is one or more segments joined with `/` (branch names with slashes).
 */
type Route =
  | { method: string; pattern: string; repo: true; handler: (ctx: RouteContext) => GitHubResponse }
  | { method: string; pattern: string; repo: false; handler: (ctx: BaseContext) => GitHubResponse }

const R = '/repos/:owner/:repo'
const ENV = `${R}/environments/:name`
const repoRoute = (
  method: string,
  pattern: string,
  handler: (ctx: RouteContext) => GitHubResponse
): Route => ({ method, pattern, repo: true, handler })

export const ROUTES: Route[] = [
  repoRoute('GET', R, commits.getRepository),
  repoRoute('POST', `${R}/deployments`, deployments.createDeployment),
  repoRoute('GET', `${R}/deployments`, deployments.listDeployments),
  repoRoute('GET', `${R}/deployments/:id`, deployments.getDeployment),
  repoRoute('DELETE', `${R}/deployments/:id`, deployments.deleteDeployment),
  repoRoute('POST', `${R}/deployments/:id/statuses`, deployments.createDeploymentStatus),
  repoRoute('GET', `${R}/deployments/:id/statuses`, deployments.listDeploymentStatuses),
  repoRoute('GET', `${R}/deployments/:id/statuses/:statusId`, deployments.getDeploymentStatus),
  repoRoute('POST', `${R}/check-runs`, checkRuns.createCheckRun),
  repoRoute('GET', `${R}/check-runs/:id`, checkRuns.getCheckRun),
  repoRoute('PATCH', `${R}/check-runs/:id`, checkRuns.updateCheckRun),
  repoRoute('GET', `${R}/check-runs/:id/annotations`, checkRuns.listAnnotations),
  repoRoute('GET', `${R}/commits/*ref/check-runs`, checkRuns.listCheckRunsForRef),
  repoRoute('GET', `${R}/commits/*ref`, commits.getCommit),
  repoRoute('GET', `${R}/git/ref/*ref`, commits.getGitRef),
  repoRoute('GET', `${R}/compare/*basehead`, compare),
  repoRoute('GET', `${R}/environments`, environments.listEnvironments),
  repoRoute('GET', ENV, environments.getEnvironment),
  repoRoute('PUT', ENV, environments.putEnvironment),
  repoRoute('DELETE', ENV, environments.deleteEnvironment),
  repoRoute('GET', `${ENV}/deployment-branch-policies`, environments.listBranchPolicies),
  repoRoute('POST', `${ENV}/deployment-branch-policies`, environments.createBranchPolicy),
  repoRoute('GET', `${ENV}/deployment-branch-policies/:policyId`, environments.getBranchPolicy),
  repoRoute('PUT', `${ENV}/deployment-branch-policies/:policyId`, environments.updateBranchPolicy),
  repoRoute(
    'DELETE',
    `${ENV}/deployment-branch-policies/:policyId`,
    environments.deleteBranchPolicy
  ),
  repoRoute('GET', `${R}/actions/runs`, workflowRuns.listWorkflowRuns),
  repoRoute('GET', `${R}/actions/runs/:id`, workflowRuns.getWorkflowRun),
  repoRoute(
    'GET',
    `${R}/actions/runs/:id/pending_deployments`,
    workflowRuns.listPendingDeployments
  ),
  { method: 'GET', pattern: '/users/:username', repo: false, handler: users.getUser },
  { method: 'GET', pattern: '/orgs/:org/teams/:slug', repo: false, handler: users.getTeam }
]

const NUMERIC_PARAMS = new Set(['id', 'statusId', 'policyId'])

/** Matches a pattern against decoded path segments; undefined when it does not match. */
export function match(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').filter(Boolean)
  const star = parts.findIndex(p => p.startsWith('*'))
  const before = star === -1 ? parts : parts.slice(0, star)
  const after = star === -1 ? [] : parts.slice(star + 1)
  if (star === -1 ? segments.length !== parts.length : segments.length < parts.length) {
    return undefined
  }
  const params: Record<string, string> = {}
  const fixed: [string, string][] = [
    ...before.map((p, i): [string, string] => [p, segments[i] as string]),
    ...after.map((p, i): [string, string] => [
      p,
      segments[segments.length - after.length + i] as string
    ])
  ]
  for (const [part, segment] of fixed) {
    if (part.startsWith(':')) {
      const name = part.slice(1)
      if (NUMERIC_PARAMS.has(name) && !/^\d+$/.test(segment)) return undefined
      params[name] = segment
    } else if (part !== segment) {
      return undefined
    }
  }
  if (star !== -1) {
    params[(parts[star] as string).slice(1)] = segments
      .slice(before.length, segments.length - after.length)
      .join('/')
  }
  return params
}
