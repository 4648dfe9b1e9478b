import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  UpdateServiceCommand,
  type Deployment,
  type ECSClient,
  type Service
} from '@aws-sdk/client-ecs'
import {
  ConfigurationError,
  errorMessage,
  escapeUnprintable,
  quoteValue,
  startWaiting,
  type Logger
} from '@fargate-promote/common'
import type { EcsDeps } from '../deps.js'
import { describeServices } from '../observe/services.js'
import { primaryDeployment } from '../observe/settled.js'
import { shortName } from '../task-definitions/arn.js'
import { readTaskDefinition } from '../task-definitions/read.js'
import { reinstateRevision } from '../task-definitions/reinstate.js'
import { PollFailures } from '../watch/poll-failures.js'

const ONGOING = new Set(['PENDING', 'IN_PROGRESS'])

export interface DescribedService {
  service: Service
  primary: Deployment
  /** The PRIMARY deployment's id and task definition. */
  id: string
  arn: string
}

/** The service and its PRIMARY deployment, as known (saves a round trip) or described now. */
export async function describeOne(
  deps: { ecs: ECSClient },
  cluster: string,
  name: string,
  known?: Service
): Promise<DescribedService> {
  const service = known ?? (await describeServices(deps, cluster, [name])).services[0]
  const primary = service && primaryDeployment(service)
  if (!service || !primary?.id || !primary.taskDefinition) {
    throw new ConfigurationError(
      `${quoteValue(name)} was not found in cluster ${quoteValue(cluster)} or has no PRIMARY deployment. List the services with 'aws ecs list-services --cluster ${escapeUnprintable(cluster)}'.`,
      { input: 'service' }
    )
  }
  return { service, primary, id: primary.id, arn: primary.taskDefinition }
}

/**
 * Is `target` a source revision of the ongoing service deployment? Then StopServiceDeployment
 * (ROLLBACK) returns the service to exactly it. Any doubt (API missing, deployment already
 * finished) answers no, and the caller uses UpdateService instead.
 */
export async function stoppable(
  deps: { ecs: ECSClient; log: Logger; signal?: AbortSignal },
  serviceDeploymentArn: string,
  target: string
): Promise<boolean> {
  // A cancellation abandons these reads; the caller then sends nothing.
  const abort = deps.signal === undefined ? {} : { abortSignal: deps.signal }
  try {
    const described = await deps.ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] }),
      abort
    )
    const deployment = described.serviceDeployments?.[0]
    if (!deployment || !ONGOING.has(deployment.status ?? '')) return false
    const sources = (deployment.sourceServiceRevisions ?? []).map(r => r.arn ?? '').filter(Boolean)
    if (sources.length === 0) return false
    const revisions = await deps.ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: sources }),
      abort
    )
    return (revisions.serviceRevisions ?? []).some(r => r.taskDefinition === target)
  } catch (error) {
    deps.log.debug(
      `Service deployment ${serviceDeploymentArn} not usable for a rollback: ${errorMessage(error)}`
    )
    return false
  }
}

/** What the wait for ECS's rollback deployment found, or why it ended without it. */
export interface AwaitedPrimary {
  deployment?: Deployment
  /** An AWS error that will not heal, or the outage under way at the deadline. */
  failure?: string
}

/**
 * After StopServiceDeployment, ECS creates the rollback deployment: find it. Nothing found when
 * the deadline passes or the caller cancels first. A read that fails with an error that heals is
 * tried again (PollFailures); one that will not heal ends the wait at once, named in `failure`.
 */
export async function awaitPrimaryOf(
  deps: EcsDeps,
  where: { cluster: string; service: string; taskDefinitionArn: string; pollIntervalMs: number },
  deadline: number
): Promise<AwaitedPrimary> {
  const failures = new PollFailures(deps, {
    intervalMs: where.pollIntervalMs,
    deadline,
    doing: `still waiting for the rollback deployment of ${where.service}`
  })
  const waiting = startWaiting(deps, {
    what: `Waiting for ECS to start the rollback deployment of ${where.service} to ${shortName(where.taskDefinitionArn)}`,
    deadline
  })
  try {
    for (;;) {
      try {
        const { services } = await describeServices(deps, where.cluster, [where.service])
        failures.succeeded()
        // No PRIMARY deployment yet is not an error: ECS may be between the two.
        const primary = services[0] && primaryDeployment(services[0])
        if (primary?.taskDefinition === where.taskDefinitionArn) return { deployment: primary }
        if (services[0] === undefined) {
          return { failure: `${where.service} is no longer in cluster ${where.cluster}` }
        }
      } catch (error) {
        if (!failures.failed('AWS DescribeServices', error)) {
          return { failure: `AWS DescribeServices failed: ${errorMessage(error)}` }
        }
      }
      const now = deps.clock.now()
      if (now >= deadline || deps.signal?.aborted) {
        const outage = failures.outage()
        return outage === undefined ? {} : { failure: outage }
      }
      await waiting.sleep(Math.min(failures.waitMs, deadline - now), deps.signal)
    }
  } finally {
    waiting.end()
  }
}

/** Why ECS refused the update: the target's status, read only after a ClientException. */
async function targetStatus(
  ecs: ECSClient,
  target: string
): Promise<'ACTIVE' | 'INACTIVE' | 'missing'> {
  const described = await readTaskDefinition(ecs, target)
  if (!described) return 'missing'
  return described.taskDefinition?.status === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE'
}

export interface UpdatedTo {
  taskDefinitionArn: string
  reinstatedFrom?: string
  deploymentId?: string
}

/**
 * UpdateService to the target, sent without reading the target first: the service-deployment
 * history a `previous` target comes from names revisions that existed, and a refused update
 * changes nothing. Only when ECS refuses it (ClientException) is the target read: an INACTIVE
 * one is registered again with the same content and the update sent to the copy; a missing one
 * is a configuration error; anything else is ECS's own refusal, passed on. A cancellation while
 * the copy is registered sends no update to it: `cancelled` says what was left behind.
 */
export async function updateToTarget(
  deps: { ecs: ECSClient; log: Logger; signal?: AbortSignal },
  cluster: string,
  name: string,
  target: string
): Promise<UpdatedTo | { cancelled: string }> {
  const send = async (taskDefinition: string) => {
    const updated = await deps.ecs.send(
      new UpdateServiceCommand({ cluster, service: name, taskDefinition })
    )
    return updated.service?.deployments?.find(
      d => d.status === 'PRIMARY' && d.taskDefinition === taskDefinition
    )?.id
  }
  try {
    return { taskDefinitionArn: target, deploymentId: await send(target) }
  } catch (error) {
    if ((error as { name?: string }).name !== 'ClientException') throw error
    const status = await targetStatus(deps.ecs, target)
    if (status === 'missing') {
      throw new ConfigurationError(
        `task definition ${target} does not exist (ECS: ${errorMessage(error)}); the service was not changed. Roll back to a version, a revision number or an ARN that exists.`,
        { input: 'to' }
      )
    }
    if (status === 'ACTIVE') throw error
    deps.log.info(`${name}: ${shortName(target)} is INACTIVE (deregistered); registering it again`)
    const copy = await reinstateRevision(target, deps)
    if (deps.signal?.aborted) {
      return {
        cancelled: `; ${shortName(copy)} (a copy of ${shortName(target)}) is left registered`
      }
    }
    try {
      return { taskDefinitionArn: copy, reinstatedFrom: target, deploymentId: await send(copy) }
    } catch (retryError) {
      throw new Error(
        `${shortName(target)} was INACTIVE and was registered again as ${shortName(copy)}, but UpdateService to ${shortName(copy)} failed: ${errorMessage(retryError)}. The service was not changed; ${shortName(copy)} is left registered (ACTIVE).`,
        { cause: retryError }
      )
    }
  }
}
