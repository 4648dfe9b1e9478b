/* eslint-disable @typescript-eslint/no-explicit-any -- responses are untyped wire shapes */
import { createSimClock } from '../src/clock.js'
import type {
  AlarmPort,
  ContainerExit,
  ContainerStartSpec,
  EcsModule,
  ImageBehaviour,
  LoadBalancingPort,
  RequestContext,
  RunningContainer,
  Target,
  TargetHealthState,
  TaskRuntimePort
} from '../src/contract.js'
import { createEcsModule } from '../src/ecs/index.js'

/** In-test stand-ins for the ports ECS drives, with health and alarms the test controls. */

export class FakeElb implements LoadBalancingPort {
  groups = new Map<string, { loadBalancerArns: string[] }>()
  registered = new Map<string, Target[]>()
  draining = new Map<string, Target[]>()
  /** What a registered target reports. */
  health: TargetHealthState = 'healthy'
  description = 'Health checks failed with these codes: [503]'

  addGroup(arn: string, loadBalancerArns = ['arn:lb']): void {
    this.groups.set(arn, { loadBalancerArns })
  }
  targetGroupExists(arn: string): boolean {
    return this.groups.has(arn)
  }
  targetGroupInfo(arn: string) {
    const group = this.groups.get(arn)
    return group && { arn, name: 'tg', port: 80, healthCheckPath: '/', ...group }
  }
  registerTargets(arn: string, targets: Target[]): void {
    this.registered.set(arn, [...(this.registered.get(arn) ?? []), ...targets])
  }
  deregisterTargets(arn: string, targets: Target[]): void {
    const ports = targets.map(t => t.port)
    this.registered.set(
      arn,
      (this.registered.get(arn) ?? []).filter(t => !ports.includes(t.port))
    )
    this.draining.set(arn, [...(this.draining.get(arn) ?? []), ...targets])
  }
  /** Draining targets finish as soon as the test calls this. */
  finishDraining(): void {
    this.draining.clear()
  }
  targetHealth(arn: string, target: Target) {
    if ((this.draining.get(arn) ?? []).some(t => t.port === target.port)) {
      return { state: 'draining' as const }
    }
    if (!(this.registered.get(arn) ?? []).some(t => t.port === target.port)) {
      return { state: 'unused' as const, reason: 'Target.NotRegistered' }
    }
    return this.health === 'unhealthy'
      ? { state: this.health, reason: 'Target.ResponseCodeMismatch', description: this.description }
      : { state: this.health }
  }
  weights = new Map<string, { targetGroupArn: string; weight: number }[]>()
  /** Every setForwardWeights call, in order. */
  weightCalls: { arn: string; weights: { targetGroupArn: string; weight: number }[] }[] = []
  /** Listener rules that do not exist (forwardWeights throws, as the real module does). */
  missingRules = new Set<string>()
  setForwardWeights(arn: string, weights: { targetGroupArn: string; weight: number }[]): void {
    if (this.missingRules.has(arn)) throw new Error(`'${arn}' has no forward action`)
    this.weightCalls.push({ arn, weights })
    this.weights.set(arn, weights)
  }
  forwardWeights(arn: string) {
    if (this.missingRules.has(arn)) throw new Error(`'${arn}' has no forward action`)
    return this.weights.get(arn) ?? []
  }
  /** The green share (weight of `group` / total) of each call on `arn`, in percent. */
  greenShares(arn: string, group: string): number[] {
    return this.weightCalls
      .filter(c => c.arn === arn)
      .map(c => {
        const total = c.weights.reduce((sum, w) => sum + w.weight, 0)
        const green = c.weights.find(w => w.targetGroupArn === group)?.weight ?? 0
        return Math.round((green * 1000) / total) / 10
      })
  }
}

export class FakeAlarms implements AlarmPort {
  states = new Map<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>()
  alarmState(name: string) {
    return this.states.get(name)
  }
}

/** Containers are plain objects; `-crash` images exit 1 s (sim) after starting. */
export class FakeRuntime implements TaskRuntimePort {
  live = new Set<RunningContainer>()
  started: ContainerStartSpec[] = []
  private nextPort = 40000
  constructor(private readonly clock: { setTimer(fn: () => void, ms: number): () => void }) {}

  behaviourOf(image: string): ImageBehaviour {
    if (image.includes('-crash')) return { exitAfterMs: 1000, exitCode: 1 }
    if (image.includes('-oom')) {
      return {
        exitAfterMs: 1000,
        exitCode: 137,
        exitReason: 'OutOfMemoryError: Container killed due to memory usage'
      }
    }
    return {}
  }

  start(spec: ContainerStartSpec): Promise<RunningContainer> {
    this.started.push(spec)
    if (spec.image.includes('-pullerror')) {
      return Promise.reject(
        new Error(
          `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${spec.image}: not found`
        )
      )
    }
    const listeners: ((exit: ContainerExit) => void)[] = []
    const container: RunningContainer = {
      host: '127.0.0.1',
      port: this.nextPort++,
      imageDigest: `sha256:${'a'.repeat(64)}`,
      stop: () => {
        this.live.delete(container)
        return Promise.resolve()
      },
      onExit: listener => {
        listeners.push(listener)
      }
    }
    this.live.add(container)
    const behaviour = this.behaviourOf(spec.image)
    if (behaviour.exitAfterMs !== undefined) {
      this.clock.setTimer(() => {
        this.live.delete(container)
        for (const l of listeners)
          l({ exitCode: behaviour.exitCode ?? 1, reason: behaviour.exitReason })
      }, behaviour.exitAfterMs)
    }
    return Promise.resolve(container)
  }
}

export interface World {
  ecs: EcsModule
  elb: FakeElb
  alarms: FakeAlarms
  runtime: FakeRuntime
  clock: ReturnType<typeof createSimClock>
  call(operation: string, input?: Record<string, unknown>): Promise<any>
  close(): Promise<void>
}

export function createWorld(timeScale = 1000): World {
  const clock = createSimClock({ timeScale })
  const elb = new FakeElb()
  const alarms = new FakeAlarms()
  const runtime = new FakeRuntime(clock)
  const ecs = createEcsModule({ clock, elb, alarms, runtime })
  const ctx = (operation: string): RequestContext => ({
    service: 'ecs',
    operation,
    region: 'eu-west-1',
    accountId: '123456789012',
    requestId: 'r-1'
  })
  return {
    ecs,
    elb,
    alarms,
    runtime,
    clock,
    call: (operation, input = {}) => ecs.handle(ctx(operation), input) as Promise<any>,
    async close() {
      await ecs.reset()
      clock.dispose()
    }
  }
}

/** Polls (in real time) until `check` returns a truthy value. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 2))
  }
}

export const NETWORK = {
  awsvpcConfiguration: {
    subnets: ['subnet-1'],
    securityGroups: ['sg-1'],
    assignPublicIp: 'DISABLED'
  }
}

export function taskDefinitionInput(image: string, family = 'web'): Record<string, unknown> {
  return {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'app',
        image,
        essential: true,
        portMappings: [{ containerPort: 8080 }],
        environment: [{ name: 'MODE', value: 'sim' }]
      }
    ]
  }
}
