import { DescribeServicesCommand } from '@aws-sdk/client-ecs'
import { errorMessage } from '@fargate-promote/common'
import { familyOf } from '../task-definitions/arn.js'
import { pruneRevisions } from '../task-definitions/revisions.js'
import type { DeployRun, Working } from './run.js'

/** Every revision that is live, was live before, or is in any deployment of the services. */
async function protectedRevisions(run: DeployRun, working: Working[]): Promise<Set<string>> {
  const described = await run.deps.ecs.send(
    new DescribeServicesCommand({
      cluster: run.options.cluster,
      services: working.map(w => w.plan.checked.name)
    })
  )
  const protect = new Set<string>()
  for (const w of working) {
    protect.add(w.result.previousTaskDefinitionArn)
    protect.add(w.arn as string)
  }
  for (const service of described.services ?? []) {
    if (service.taskDefinition) protect.add(service.taskDefinition)
    for (const d of service.deployments ?? []) if (d.taskDefinition) protect.add(d.taskDefinition)
  }
  return protect
}

/**
 * With `keepRevisions`, deregister old revisions of the families deployed, never a protected
 * one. Housekeeping: a failure is a warning, never the deploy's result.
 */
export async function pruneOldRevisions(run: DeployRun, working: Working[]): Promise<string[]> {
  const keep = run.options.keepRevisions
  if (keep === undefined) return []
  try {
    const protect = [...(await protectedRevisions(run, working))]
    const families = [...new Set(working.map(w => familyOf(w.arn as string)))]
    const pruned: string[] = []
    for (const family of families) {
      pruned.push(...(await pruneRevisions({ family, keep, protect }, run.deps)))
    }
    return pruned
  } catch (error) {
    run.deps.log.warning(`Could not prune old revisions: ${errorMessage(error)}`)
    return []
  }
}
