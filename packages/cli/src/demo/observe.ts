import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import type { Stage } from './stage.js'

/** The task definition ARN an environment's first service runs now. */
export async function liveTaskDefinition(stage: Stage, environment: string): Promise<string> {
  const env = stage.config.config.environments[environment]
  if (env === undefined) throw new Error(`no environment ${environment}`)
  const ecs = new ECSClient({
    endpoint: stage.sim.url,
    region: env.region,
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' }
  })
  try {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: env.cluster, services: [env.services[0]?.name ?? ''] })
    )
    return services?.[0]?.taskDefinition ?? ''
  } finally {
    ecs.destroy()
  }
}

/** What an environment runs now, read from the simulator's ECS as any client would. */
export async function liveImage(stage: Stage, environment: string): Promise<string> {
  const env = stage.config.config.environments[environment]
  if (env === undefined) throw new Error(`no environment ${environment}`)
  const ecs = new ECSClient({
    endpoint: stage.sim.url,
    region: env.region,
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' }
  })
  try {
    const arn = await liveTaskDefinition(stage, environment)
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn })
    )
    return taskDefinition?.containerDefinitions?.[0]?.image ?? ''
  } finally {
    ecs.destroy()
  }
}

export interface DeploymentRecord {
  environment: string
  ref: string
  sha: string
  state: string
  description: string
  payload: { emergency?: { reason?: string } }
}

/** The GitHub deployments of an environment, newest first, with their latest status. */
export async function deployments(stage: Stage, environment: string): Promise<DeploymentRecord[]> {
  const base = `${stage.sim.url}/github/repos/acme/shop`
  const list = (await (
    await fetch(`${base}/deployments?environment=${environment}&per_page=100`)
  ).json()) as { id: number; ref: string; sha: string; payload: DeploymentRecord['payload'] }[]
  const records: DeploymentRecord[] = []
  for (const deployment of list) {
    const statuses = (await (
      await fetch(`${base}/deployments/${deployment.id}/statuses`)
    ).json()) as { state: string; description?: string }[]
    records.push({
      environment,
      ref: deployment.ref,
      sha: deployment.sha,
      state: statuses[0]?.state ?? 'none',
      description: statuses[0]?.description ?? '',
      payload: deployment.payload
    })
  }
  return records
}

/** The step of a job (by key suffix) whose `uses` names one of our actions. */
export function actionStep(
  result: {
    jobs: {
      key: string
      steps: {
        uses?: string
        outputs: Record<string, string>
        annotations: { message: string }[]
        reason?: string
        log?: string
      }[]
    }[]
  },
  jobKey: string,
  action: string
) {
  const job = result.jobs.find(j => j.key === jobKey)
  return job?.steps.find(s => s.uses?.includes(`/actions/${action}@`) === true)
}
