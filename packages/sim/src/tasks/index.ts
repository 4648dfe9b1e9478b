import type {
  ContainerStartSpec,
  RunningContainer,
  TaskRuntime,
  TaskRuntimeDeps
} from '../contract.js'
import { resolveBehaviour } from './behaviour.js'
import { startContainer } from './container.js'

export { imageTag, OOM_REASON, resolveBehaviour } from './behaviour.js'
export { ELB_HEALTH_CHECKER_AGENT, imageDigestOf } from './container.js'

/** Task containers as real loopback HTTP servers whose behaviour comes from the image tag. */
export function createTaskRuntime(deps: TaskRuntimeDeps): TaskRuntime {
  const running = new Set<RunningContainer>()
  const behaviourOf = (image: string) => resolveBehaviour(image, deps.behaviours)

  return {
    behaviourOf,
    async start(spec: ContainerStartSpec): Promise<RunningContainer> {
      const behaviour = { ...behaviourOf(spec.image), ...spec.behaviour }
      if (behaviour.pullError === true) {
        // Fargate platform 1.4 wording (aws-behaviour.md §2.4, ECS-DG "Stopped task errors":
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html)
        throw new Error(
          `CannotPullContainerError: pull image manifest has been retried 1 time(s): ` +
            `failed to resolve ref ${spec.image}: not found`
        )
      }
      const container = await startContainer(spec, behaviour, deps.clock)
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
