import type {
  ContainerStartSpec,
  RunningContainer,
  TaskRuntime,
  TaskRuntimeDeps
} from '../contract.js'
import { behaviourMarkers, resolveBehaviour } from './behaviour.js'
import { startContainer } from './container.js'

export { behaviourMarkers, imageTag, OOM_REASON, resolveBehaviour } from './behaviour.js'
export { ELB_HEALTH_CHECKER_AGENT, imageDigestOf } from './container.js'

/**
 * Task containers as real loopback HTTP servers whose behaviour comes from the image tag, or
 * from the registry when the image was pushed there.
 */
export function createTaskRuntime(deps: TaskRuntimeDeps): TaskRuntime {
  const running = new Set<RunningContainer>()
  const behaviourOf = (
    image: string,
    pushed = deps.images?.resolveImage(image),
    environment?: Record<string, string>
  ) =>
    resolveBehaviour(
      image,
      deps.behaviours,
      pushed?.kind === 'pushed' ? `${pushed.tag}${pushed.behaviour ?? ''}` : undefined,
      environment
    )

  return {
    behaviourOf: image => behaviourOf(image),
    markers: () => behaviourMarkers(deps.behaviours),
    async start(spec: ContainerStartSpec): Promise<RunningContainer> {
      const pushed = deps.images?.resolveImage(spec.image)
      const behaviour = {
        ...behaviourOf(spec.image, pushed, spec.environment),
        ...spec.behaviour
      }
      // A digest the registry never got cannot be pulled, like any image that is not there.
      if (behaviour.pullError === true || pushed?.kind === 'missing') {
        // Fargate platform 1.4 wording (aws-behaviour.md §2.4, ECS-DG "Stopped task errors":
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html)
        throw new Error(
          `CannotPullContainerError: pull image manifest has been retried 1 time(s): ` +
            `failed to resolve ref ${spec.image}: not found`
        )
      }
      const container = await startContainer(
        spec,
        behaviour,
        deps.clock,
        pushed?.kind === 'pushed' ? pushed : undefined
      )
      running.add(container)
      container.onExit(() => running.delete(container))
      return {
        host: container.host,
        port: container.port,
        imageDigest: container.imageDigest,
        onExit: listener => container.onExit(listener),
        stop: async () => {
          running.delete(container)
          await container.stop()
        }
      }
    },
    async stopAll() {
      const all = [...running]
      running.clear()
      await Promise.all(all.map(c => c.stop()))
    }
  }
}
