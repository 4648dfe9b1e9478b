import { errorMessage } from '@fargate-promote/common'
import { runPreDeployTask } from './pre-deploy.js'
import { remaining, type DeployRun, type Working } from './run.js'
import type { PreDeployReport } from './types.js'

/**
 * The one-off task (a migration) from the first service's new revision, before any service is
 * updated. On failure every service's result says why and no service is touched.
 */
export async function preDeployStep(
  run: DeployRun,
  working: Working[]
): Promise<PreDeployReport | undefined> {
  const { options } = run
  const first = working[0]
  if (options.preDeploy === undefined || first === undefined) return undefined
  const base = { service: first.plan.checked.name, taskDefinitionArn: first.arn as string }
  try {
    const ran = await runPreDeployTask(
      {
        cluster: options.cluster,
        service: first.plan.checked.service,
        taskDefinitionArn: first.arn as string,
        command: options.preDeploy.command,
        ...(options.preDeploy.container ? { container: options.preDeploy.container } : {}),
        containerDefinitions: first.plan.rendered.input.containerDefinitions,
        timeoutMs: remaining(run),
        pollIntervalMs: options.pollIntervalMs
      },
      run.deps
    )
    const { container, taskArn, exitCode } = ran
    return { ...base, status: 'succeeded', container, taskArn, exitCode }
  } catch (error) {
    const reason = errorMessage(error)
    const taskArn = (error as { taskArn?: string }).taskArn
    for (const w of working) w.result.failureReason = `${reason}; no service was updated`
    return { ...base, status: 'failed', ...(taskArn ? { taskArn } : {}), reason }
  }
}
