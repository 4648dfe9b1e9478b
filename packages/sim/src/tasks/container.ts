import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  TARGET_TIME_HEADER,
  TASK_DEFINITION_HEADER,
  type ContainerExit,
  type ContainerStartSpec,
  type ImageBehaviour,
  type RunningContainer,
  type SimClock
} from '../contract.js'
import { imageTag } from './behaviour.js'

/**
 * The processing time a container reports for an answer without declared latency, in sim ms.
 * Declared rather than measured, so TargetResponseTime is the same on any machine and at any
 * time scale (a loopback answer takes well under a millisecond of real time).
 */
export const BASE_PROCESSING_MS = 2

/** Real ALBs send this user agent; their probes are not application traffic. */
export const ELB_HEALTH_CHECKER_AGENT = 'ELB-HealthChecker/2.0'

export function imageDigestOf(image: string): string {
  return `sha256:${createHash('sha256').update(image).digest('hex')}`
}

/**
 * One task container: a real HTTP server on 127.0.0.1 whose answers follow its behaviour.
 * Every path except `/env` is the health endpoint, so whatever HealthCheckPath a target group
 * uses gets the behaviour's health answer.
 */
export async function startContainer(
  spec: ContainerStartSpec,
  behaviour: ImageBehaviour,
  clock: SimClock,
  /** A pushed image's own digest and tag (a task may name it by digest alone). */
  pushed?: { digest: string; tag: string }
): Promise<RunningContainer> {
  const taskId = spec.taskArn.slice(spec.taskArn.lastIndexOf('/') + 1)
  const tag = pushed?.tag ?? imageTag(spec.image)
  const cancels: (() => void)[] = []
  const delays = new Set<() => void>()
  const latency = Math.max(0, behaviour.latencyMs ?? 0)
  const headers: Record<string, string> = {
    [TARGET_TIME_HEADER]: String(BASE_PROCESSING_MS + latency)
  }
  if (spec.taskDefinitionArn !== undefined) {
    headers[TASK_DEFINITION_HEADER] = spec.taskDefinitionArn.slice(
      spec.taskDefinitionArn.lastIndexOf('/') + 1
    )
  }
  const exitListeners: ((exit: ContainerExit) => void)[] = []
  let exit: ContainerExit | undefined
  let stopped = false
  let warmedUp = behaviour.healthyAfterMs === undefined || behaviour.healthyAfterMs <= 0
  // Flapping: the answer alternates between healthy and failing every `flapEveryMs` sim ms.
  let flappedDown = false
  let appRequests = 0
  // Deterministic errors: errorRate 0.2 fails every 5th application request.
  const errorEvery =
    behaviour.errorRate !== undefined && behaviour.errorRate > 0
      ? Math.max(1, Math.round(1 / behaviour.errorRate))
      : 0

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]
    const probe = req.headers['user-agent'] === ELB_HEALTH_CHECKER_AGENT
    if (!probe) appRequests++
    if (!probe && errorEvery > 0 && appRequests % errorEvery === 0) {
      return send(res, 500, { status: 'error', message: 'injected failure', task: taskId }, headers)
    }
    if (path === '/env') return send(res, 200, Object.keys(spec.environment).sort(), headers)
    const status = !warmedUp || flappedDown ? 503 : (behaviour.healthStatus ?? 200)
    const healthy = status >= 200 && status < 400
    send(
      res,
      status,
      {
        status: healthy ? 'ok' : 'unhealthy',
        checks: { database: healthy ? 'ok' : 'failing' },
        image: spec.image,
        task: taskId,
        version: tag
      },
      headers
    )
  }

  const server = createServer((req, res) => {
    req.resume()
    if (latency <= 0) return answer(req, res)
    // Latency is sim time, like every duration in the sim: 400 ms is 20 real ms at scale 20.
    const cancel = clock.setTimer(() => {
      delays.delete(cancel)
      answer(req, res)
    }, latency)
    delays.add(cancel)
  })
  server.keepAliveTimeout = 5_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  const close = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    for (const cancel of cancels) cancel()
    for (const cancel of delays) cancel()
    delays.clear()
    await new Promise<void>(resolve => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  if (!warmedUp) {
    cancels.push(clock.setTimer(() => (warmedUp = true), behaviour.healthyAfterMs ?? 0))
  }
  const flapEvery = behaviour.flapEveryMs ?? 0
  if (flapEvery > 0) {
    const startFlapping = () =>
      cancels.push(clock.setInterval(() => (flappedDown = !flappedDown), flapEvery))
    if (warmedUp) startFlapping()
    else cancels.push(clock.setTimer(startFlapping, behaviour.healthyAfterMs ?? 0))
  }
  if (behaviour.exitAfterMs !== undefined) {
    cancels.push(
      clock.setTimer(() => {
        const happened: ContainerExit = { exitCode: behaviour.exitCode ?? 1 }
        if (behaviour.exitReason !== undefined) happened.reason = behaviour.exitReason
        exit = happened
        void close().then(() => {
          for (const listener of exitListeners.splice(0)) listener(happened)
        })
      }, behaviour.exitAfterMs)
    )
  }

  return {
    host: '127.0.0.1',
    port,
    imageDigest: pushed?.digest ?? imageDigestOf(spec.image),
    stop: close,
    onExit(listener) {
      if (exit !== undefined && stopped) {
        const happened = exit
        queueMicrotask(() => listener(happened))
      } else exitListeners.push(listener)
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>
): void {
  if (res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text)
  })
  res.end(text)
}
