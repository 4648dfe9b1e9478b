import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { errorMessage, systemClock, AWS_CLIENT_CONFIG } from '@fargate-promote/common'
import { rollbackService } from '@fargate-promote/ecs'
import { actionsLogger, Annotations, getState, runAction } from '@fargate-promote/runner'
import { StateKey, type StartedDeployment } from './state.js'

/**
 * GitHub force-terminates a cancelled job 5 minutes after cancellation started; the rollback
 * must be under way and observed well before that.
 */
const POST_TIMEOUT_MS = 4 * 60_000

/**
 * Post step: main saved phase `deploying` when ECS accepted the update and `finished` when it
 * had a verdict. Anything else means the run was cancelled (or main crashed) mid-rollout, so
 * put every service back on the revision that was live before.
 */
export async function runPost(): Promise<void> {
  await runAction('deploy-fargate (post)', async () => {
    if (getState(StateKey.Phase) !== 'deploying') return
    const cluster = getState(StateKey.Cluster) ?? ''
    const started = JSON.parse(getState(StateKey.Deployments) ?? '[]') as StartedDeployment[]
    if (getState(StateKey.OnFailure) === 'none') {
      actionsLogger.warning(
        `The run stopped while deploying ${started.map(s => s.service).join(', ')}; on-failure is none, so nothing is rolled back.`
      )
      return
    }
    const pollIntervalMs = Number(getState(StateKey.PollIntervalMs) ?? '5000') || 5000
    const ecs = new ECSClient(AWS_CLIENT_CONFIG)
    const elb = new ElasticLoadBalancingV2Client(AWS_CLIENT_CONFIG)
    const annotations = new Annotations()
    const failures: string[] = []
    // Every service is put back even when one of them cannot be: one failure must not hide
    // (or stop) the others.
    const results = await Promise.allSettled(
      started.map(deployment =>
        rollbackService(
          {
            cluster,
            service: deployment.service,
            taskDefinitionArn: deployment.previousTaskDefinitionArn,
            reason: 'workflow run cancelled during the deployment',
            timeoutMs: POST_TIMEOUT_MS,
            pollIntervalMs,
            waitForTargetHealth: 'auto',
            stopInProgress: true
          },
          { ecs, elb, clock: systemClock, log: actionsLogger }
        )
      )
    )
    results.forEach((settled, index) => {
      const deployment = started[index] as StartedDeployment
      if (settled.status === 'rejected') {
        failures.push(`${deployment.service}: ${errorMessage(settled.reason)}`)
        return
      }
      const result = settled.value
      annotations.warning(
        `Run cancelled mid-deployment: ${deployment.service} rolled back to ${result.toTaskDefinitionArn} (${result.status}).`,
        { title: `Rollback of ${deployment.service}` }
      )
      if (result.status === 'failed') {
        failures.push(`${deployment.service}: ${result.reason ?? 'rollback failed'}`)
      }
    })
    annotations.flush()
    if (failures.length > 0)
      throw new Error(`rollback after cancellation failed: ${failures.join('; ')}`)
  })
}
