import {
  createClients,
  destroyAwsClients,
  rollBackCancelledDeploy
} from '@fargate-promote/promotion'
import { actionClock, actionsLogger, Annotations, runAction } from '@fargate-promote/runner'
import { loadCheckpoint } from './state.js'

/**
 * The post step: main saved phase `deploying` when ECS accepted the update and `finished` when it
 * had a verdict. Anything else means the run was cancelled (or main crashed) mid-rollout, so
 * every service goes back to the revision that was live before.
 */
export async function runPost(): Promise<void> {
  await runAction('deploy-fargate (post)', async () => {
    const checkpoint = loadCheckpoint()
    if (checkpoint?.phase !== 'deploying') return
    const clients = createClients(['ecs', 'elb'], 'action/deploy-fargate')
    try {
      const { ecs, elb } = clients
      const log = actionsLogger
      const outcome = await rollBackCancelledDeploy(checkpoint, {
        ecs,
        elb,
        clock: actionClock(),
        log
      })
      const annotations = new Annotations()
      for (const { service, result } of outcome.rollbacks) {
        if (result === undefined) continue
        annotations.warning(
          `Run cancelled mid-deployment: ${service} rolled back to ${result.toTaskDefinitionArn} (${result.status}).`,
          { title: `Rollback of ${service}` }
        )
      }
      annotations.flush()
      if (outcome.failures.length > 0) {
        throw new Error(`rollback after cancellation failed: ${outcome.failures.join('; ')}`)
      }
    } finally {
      destroyAwsClients(clients)
    }
  })
}
