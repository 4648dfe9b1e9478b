import { Agent, request } from 'node:http'
import { createSimClock } from '../src/clock.js'
import { SIM_ACCOUNT_ID, type RequestContext } from '../src/contract.js'
import { createElbModule } from '../src/elbv2/index.js'
import { createTaskRuntime } from '../src/tasks/index.js'

/** A fast world for ELB tests: 100x time, real task containers, a short probe-timeout floor. */
export const SCALE = 100

export function createWorld() {
  const clock = createSimClock({ timeScale: SCALE })
  const elb = createElbModule({ clock, minProbeTimeoutMs: 150 })
  const runtime = createTaskRuntime({ clock })
  // The wire shapes are checked field by field; a loose type keeps the tests readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Loose = any
  const call = async (operation: string, input: Record<string, unknown> = {}): Promise<Loose> => {
    const ctx: RequestContext = {
      service: 'elbv2',
      operation,
      region: 'us-east-1',
      accountId: SIM_ACCOUNT_ID,
      requestId: 'req'
    }
    return elb.handle(ctx, input)
  }
  const createGroup = async (
    name: string,
    extra: Record<string, unknown> = {}
  ): Promise<string> => {
    const out = await call('CreateTargetGroup', {
      Name: name,
      Protocol: 'HTTP',
      Port: '8080',
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: '5',
      HealthCheckTimeoutSeconds: '2',
      HealthyThresholdCount: '2',
      UnhealthyThresholdCount: '2',
      ...extra
    })
    return out.TargetGroups[0].TargetGroupArn as string
  }
  const createLoadBalancer = async (name: string): Promise<string> => {
    const out = await call('CreateLoadBalancer', { Name: name, Subnets: ['subnet-a', 'subnet-b'] })
    return out.LoadBalancers[0].LoadBalancerArn as string
  }
  let tasks = 0
  const start = async (image: string) =>
    runtime.start({
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/c/task${++tasks}`,
      containerName: 'web',
      image,
      environment: {}
    })
  const health = async (groupArn: string, id: string, port: number) => {
    const out = await call('DescribeTargetHealth', {
      TargetGroupArn: groupArn,
      Targets: [{ Id: id, Port: String(port) }]
    })
    return out.TargetHealthDescriptions[0].TargetHealth as {
      State: string
      Reason?: string
      Description?: string
    }
  }
  const close = async () => {
    await elb.reset()
    await runtime.stopAll()
    clock.dispose()
  }
  return { clock, elb, runtime, call, createGroup, createLoadBalancer, start, health, close }
}

/** Poll (real time) until `check` returns a value that is not undefined. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 5_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export function httpGet(
  url: string,
  options: { agent?: Agent; host?: string; path?: string } = {}
): Promise<Reply> {
  const target = new URL(options.path ?? '/', url)
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        agent: options.agent ?? false,
        headers: options.host === undefined ? {} : { host: options.host }
      },
      res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}
