import { ConfigurationError } from '@fargate-promote/common'
import {
  DescribeTaskDefinitionCommand,
  ListTasksCommand,
  type Deployment,
  type DesiredStatus,
  type ECSClient,
  type Service,
  type Task
} from '@aws-sdk/client-ecs'
import { describeServices, describeTasks, findService } from '@fargate-promote/ecs'

/** What one staging service runs, read once and shared by the identity and stability checks. */
export interface ServiceObservation {
  name: string
  /** Undefined when ECS does not know the service. */
  service?: Service
  primary?: Deployment
  /** The primary revision's tags (`version`, `commit`). */
  tags: Record<string, string>
  /** Every RUNNING task of the service, of any deployment. */
  runningTasks: Task[]
}

/** Task ARNs of a service with the given desired status, following pages of 100. */
export async function listServiceTasks(
  ecs: ECSClient,
  cluster: string,
  serviceName: string,
  desiredStatus: DesiredStatus
): Promise<string[]> {
  const arns: string[] = []
  let nextToken: string | undefined
  do {
    const page = await ecs.send(
      new ListTasksCommand({ cluster, serviceName, desiredStatus, nextToken })
    )
    arns.push(...(page.taskArns ?? []))
    nextToken = page.nextToken
  } while (nextToken)
  return arns
}

export async function observeServices(
  ecs: ECSClient,
  cluster: string,
  names: string[]
): Promise<ServiceObservation[]> {
  const { services } = await describeServices({ ecs }, cluster, names)
  const observations: ServiceObservation[] = []
  for (const name of names) {
    const service = findService(services, name)
    if (service === undefined || service.status === 'INACTIVE') {
      // Not a check that can fail (and be bypassed in an emergency): a gate on a service that
      // does not exist would approve nothing at all.
      throw new ConfigurationError(
        `services: '${name}' is not an active service of cluster '${cluster}' (ECS says ${service?.status ?? 'MISSING'}). Name the staging service that runs the candidate.`
      )
    }
    const primary = service.deployments?.find(deployment => deployment.status === 'PRIMARY')
    const observation: ServiceObservation = { name, service, tags: {}, runningTasks: [] }
    if (primary !== undefined) observation.primary = primary
    if (primary?.taskDefinition !== undefined) {
      const described = await ecs.send(
        new DescribeTaskDefinitionCommand({
          taskDefinition: primary.taskDefinition,
          include: ['TAGS']
        })
      )
      for (const tag of described.tags ?? []) {
        if (tag.key !== undefined) observation.tags[tag.key] = tag.value ?? ''
      }
    }
    const arns = await listServiceTasks(ecs, cluster, name, 'RUNNING')
    observation.runningTasks = await describeTasks({ ecs }, cluster, arns)
    observations.push(observation)
  }
  return observations
}

/** Tasks the primary deployment started: ECS sets startedBy to the deployment id. */
export function primaryTasks(observation: ServiceObservation): Task[] {
  const id = observation.primary?.id
  if (id === undefined) return []
  return observation.runningTasks.filter(task => task.startedBy === id)
}
