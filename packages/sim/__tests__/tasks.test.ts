import { afterEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { createSimClock } from '../src/clock.js'
import type { ContainerExit, ContainerStartSpec, RunningContainer } from '../src/contract.js'
import {
  createTaskRuntime,
  ELB_HEALTH_CHECKER_AGENT,
  imageTag,
  OOM_REASON
} from '../src/tasks/index.js'
import { createManualClock } from './manual-clock.js'

const SCALE = 100
const clock = createSimClock({ timeScale: SCALE })
const runtime = createTaskRuntime({
  clock,
  behaviours: {
    '-flaky': { errorRate: 0.5 },
    'repo/app:v9-flaky': { healthStatus: 500 }
  }
})

// Tests of what changes with time move this clock by hand: read from a scaled real clock, the
// answer would depend on how long each request took on a loaded machine.
const manual = (() => {
  const clock = createManualClock({ scale: SCALE })
  return { clock, runtime: createTaskRuntime({ clock }) }
})()

afterEach(async () => {
  await runtime.stopAll()
  await manual.runtime.stopAll()
})

function spec(image: string, extra: Partial<ContainerStartSpec> = {}): ContainerStartSpec {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef',
    containerName: 'web',
    image,
    environment: { DATABASE_URL: 'postgres://secret@db/app', LOG_LEVEL: 'info' },
    ...extra
  }
}

interface Reply {
  status: number
  body: string
  ms: number
  headers: Record<string, string | string[] | undefined>
}

function get(c: RunningContainer, path: string, agent?: string): Promise<Reply> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: c.host,
        port: c.port,
        path,
        agent: false,
        headers: agent === undefined ? {} : { 'user-agent': agent }
      },
      res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            ms: Date.now() - started,
            headers: res.headers
          })
        )
      }
    )
    req.on('error', reject)
    req.end()
  })
}

function exitOf(c: RunningContainer): Promise<{ exit: ContainerExit; at: number }> {
  return new Promise(resolve => c.onExit(exit => resolve({ exit, at: Date.now() })))
}

describe('image tags and behaviours', () => {
  it('reads the tag after the last colon, ignoring a digest and a registry port', () => {
    expect(imageTag('repo/app:v1-crash')).toBe('v1-crash')
    expect(imageTag('registry:5000/app:v2@sha256:abcd')).toBe('v2')
    expect(imageTag('registry:5000/app')).toBe('latest')
  })

  it('merges tag rules, tag-substring declarations and the exact reference, in that order', () => {
    expect(runtime.behaviourOf('app:v1')).toEqual({})
    expect(runtime.behaviourOf('app:v1-slow-latency')).toEqual({
      healthyAfterMs: 30_000,
      latencyMs: 400
    })
    expect(runtime.behaviourOf('app:v2-flaky')).toEqual({ errorRate: 0.5 })
    expect(runtime.behaviourOf('repo/app:v9-flaky')).toEqual({ errorRate: 0.5, healthStatus: 500 })
    expect(createTaskRuntime({ clock }).behaviourOf('app:v1-flaky')).toEqual({})
  })
})

describe('a healthy container', () => {
  it('answers every path with the health document and /env with variable names only', async () => {
    const c = await runtime.start(spec('repo/app:v1'))
    expect(c.host).toBe('127.0.0.1')
    for (const path of ['/health', '/healthz', '/', '/orders?id=1']) {
      const reply = await get(c, path)
      expect(reply.status).toBe(200)
      expect(JSON.parse(reply.body)).toEqual({
        status: 'ok',
        checks: { database: 'ok' },
        image: 'repo/app:v1',
        task: '0123456789abcdef0123456789abcdef',
        version: 'v1'
      })
    }
    const env = await get(c, '/env')
    expect(JSON.parse(env.body)).toEqual(['DATABASE_URL', 'LOG_LEVEL'])
    expect(env.body).not.toContain('secret')
  })

  it('reports a stable sha256 digest of the image reference', async () => {
    const a = await runtime.start(spec('repo/app:v1'))
    const b = await runtime.start(spec('repo/app:v1'))
    const other = await runtime.start(spec('repo/app:v2'))
    const expected = `sha256:${createHash('sha256').update('repo/app:v1').digest('hex')}`
    expect(a.imageDigest).toBe(expected)
    expect(b.imageDigest).toBe(expected)
    expect(other.imageDigest).not.toBe(expected)
    expect(a.port).not.toBe(b.port)
  })

  it('closes its port on stop and never reports an exit', async () => {
    const c = await runtime.start(spec('repo/app:v1-crash'))
    let exited = false
    c.onExit(() => (exited = true))
    await c.stop()
    await c.stop()
    await expect(get(c, '/health')).rejects.toThrow(/ECONNREFUSED/)
    await clock.sleep(3_000)
    expect(exited).toBe(false)
  })
})

describe('failing images', () => {
  it('-crash exits with code 1 and no reason about one sim second after start', async () => {
    const started = Date.now()
    const c = await runtime.start(spec('repo/app:v2-crash'))
    const { exit, at } = await exitOf(c)
    expect(exit).toEqual({ exitCode: 1 })
    expect(at - started).toBeGreaterThanOrEqual(1_000 / SCALE - 2)
    await expect(get(c, '/health')).rejects.toThrow(/ECONNREFUSED/)
    // A listener added after the exit still hears about it, once.
    const late = await exitOf(c)
    expect(late.exit.exitCode).toBe(1)
  })

  it('-oom exits 137 with the out-of-memory reason after about two sim seconds', async () => {
    const started = Date.now()
    const c = await runtime.start(spec('repo/app:v2-oom'))
    const { exit, at } = await exitOf(c)
    expect(exit).toEqual({ exitCode: 137, reason: OOM_REASON })
    expect(OOM_REASON).toBe('OutOfMemoryError: Container killed due to memory usage')
    expect(at - started).toBeGreaterThanOrEqual(2_000 / SCALE - 2)
  })

  it('-pullerror never starts', async () => {
    await expect(
      runtime.start(spec('123.dkr.ecr.us-east-1.amazonaws.com/app:v3-pullerror'))
    ).rejects.toThrow(
      'CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref 123.dkr.ecr.us-east-1.amazonaws.com/app:v3-pullerror: not found'
    )
  })

  it('-unhealthy runs but answers 503 on its health paths', async () => {
    const c = await runtime.start(spec('repo/app:v4-unhealthy'))
    const health = await get(c, '/health')
    expect(health.status).toBe(503)
    expect(JSON.parse(health.body)).toMatchObject({ status: 'unhealthy', version: 'v4-unhealthy' })
    expect((await get(c, '/')).status).toBe(503)
    expect((await get(c, '/env')).status).toBe(200)
  })

  it('-slow answers 503 for the first 30 sim seconds, then 200', async () => {
    const c = await manual.runtime.start(spec('repo/app:v5-slow'))
    manual.clock.advance(29_000)
    expect((await get(c, '/health')).status).toBe(503)
    manual.clock.advance(1_000)
    expect((await get(c, '/health')).status).toBe(200)
  })

  it('flapEveryMs alternates between healthy and 503 once warmed up', async () => {
    const c = await manual.runtime.start(
      spec('repo/app:v6', { behaviour: { flapEveryMs: 20_000 } })
    )
    // Up for the first 20 s, down for the next 20, then up again.
    manual.clock.advance(19_999)
    expect((await get(c, '/health')).status).toBe(200)
    manual.clock.advance(1)
    expect((await get(c, '/health')).status).toBe(503)
    expect((await get(c, '/env')).status).toBe(200)
    manual.clock.advance(20_000)
    expect((await get(c, '/health')).status).toBe(200)
  })

  it('flapEveryMs starts flapping only once the container is healthy', async () => {
    const behaviour = { healthyAfterMs: 20_000, flapEveryMs: 20_000 }
    const c = await manual.runtime.start(spec('repo/app:v7', { behaviour }))
    expect((await get(c, '/health')).status).toBe(503)
    manual.clock.advance(20_000)
    expect((await get(c, '/health')).status).toBe(200)
    manual.clock.advance(19_999)
    expect((await get(c, '/health')).status).toBe(200)
    manual.clock.advance(1)
    expect((await get(c, '/health')).status).toBe(503)
  })

  it('-errors fails every 5th application request, but not load balancer probes', async () => {
    const c = await runtime.start(spec('repo/app:v6-errors'))
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) {
      statuses.push((await get(c, '/orders')).status)
      expect((await get(c, '/health', ELB_HEALTH_CHECKER_AGENT)).status).toBe(200)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 500, 200, 200, 200, 200, 500])
  })

  it('-latency answers 400 sim ms late and reports its processing time', async () => {
    const c = await runtime.start(
      spec('repo/app:v7-latency', {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7'
      })
    )
    const reply = await get(c, '/health')
    expect(reply.status).toBe(200)
    // 400 sim ms at scale 100 is 4 real ms; the declared 2 ms processing time comes on top.
    expect(reply.ms).toBeGreaterThanOrEqual(400 / SCALE - 1)
    expect(reply.headers['x-sim-target-time-ms']).toBe('402')
    expect(reply.headers['x-sim-task-definition']).toBe('web:7')
    const plain = await runtime.start(spec('repo/app:v7'))
    const fast = await get(plain, '/health')
    expect(fast.headers['x-sim-target-time-ms']).toBe('2')
    expect(fast.headers['x-sim-task-definition']).toBeUndefined()
  })

  it('lets a behaviour in the start spec win over the tag', async () => {
    const c = await runtime.start(
      spec('repo/app:v8-unhealthy', { behaviour: { healthStatus: 200 } })
    )
    expect((await get(c, '/health')).status).toBe(200)
  })

  it('stopAll closes pending delayed responses and keep-alive connections', async () => {
    const c = await runtime.start(spec('repo/app:v7', { behaviour: { latencyMs: 60_000 } }))
    const pending = get(c, '/health')
    await new Promise(resolve => setTimeout(resolve, 20))
    await runtime.stopAll()
    await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/)
  })
})

describe('images pushed to the registry', () => {
  const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web'
  const DIGEST = `sha256:${'a'.repeat(64)}`
  const NEVER = `sha256:${'b'.repeat(64)}`
  const registry = createTaskRuntime({
    clock,
    behaviours: { '-flaky': { errorRate: 0.5 } },
    images: {
      resolveImage: image =>
        image === `${REPO}@${DIGEST}` || image === `${REPO}:5f3c9a1`
          ? { kind: 'pushed', digest: DIGEST, tag: '5f3c9a1', behaviour: '-unhealthy-flaky' }
          : image === `${REPO}:plain`
            ? { kind: 'pushed', digest: DIGEST, tag: 'plain' }
            : image === `${REPO}@${NEVER}`
              ? { kind: 'missing' }
              : undefined
    }
  })
  afterEach(async () => {
    await registry.stopAll()
  })

  it('behave as pushed, by digest or tag, and report the pushed digest and tag', async () => {
    for (const image of [`${REPO}@${DIGEST}`, `${REPO}:5f3c9a1`]) {
      expect(registry.behaviourOf(image)).toEqual({ healthStatus: 503, errorRate: 0.5 })
      const c = await registry.start(spec(image))
      expect(c.imageDigest).toBe(DIGEST)
      const health = await get(c, '/health', ELB_HEALTH_CHECKER_AGENT)
      expect(health.status).toBe(503)
      expect(JSON.parse(health.body)).toMatchObject({ image, version: '5f3c9a1' })
    }
    expect(registry.behaviourOf(`${REPO}:plain`)).toEqual({})
  })

  it('a digest the registry never got fails to pull; other images work as before', async () => {
    await expect(registry.start(spec(`${REPO}@${NEVER}`))).rejects.toThrow(
      `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${REPO}@${NEVER}: not found`
    )
    const other = await registry.start(spec('repo/app:v1'))
    expect(other.imageDigest).toBe(
      `sha256:${createHash('sha256').update('repo/app:v1').digest('hex')}`
    )
  })

  it('lists the built-in markers and the declared suffixes', () => {
    expect(registry.markers()).toEqual([
      '-crash',
      '-pullerror',
      '-oom',
      '-unhealthy',
      '-slow',
      '-errors',
      '-latency',
      '-flaky'
    ])
    expect(createTaskRuntime({ clock }).markers()).toHaveLength(7)
  })
})
