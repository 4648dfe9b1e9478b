import { afterAll, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { matchesHttpCode } from '../src/elbv2/health.js'
import { createWorld, waitFor } from './elb-helpers.js'

const world = createWorld()
const { call, createGroup, start, health, elb } = world

afterAll(async () => {
  await world.close()
})

/** Health states seen while polling until `until` matches. */
async function statesUntil(
  groupArn: string,
  port: number,
  until: (s: { State: string }) => boolean
): Promise<string[]> {
  const seen: string[] = []
  await waitFor(async () => {
    const h = await health(groupArn, '127.0.0.1', port)
    const label = [h.State, h.Reason].filter(Boolean).join('/')
    if (seen[seen.length - 1] !== label) seen.push(label)
    return until(h) ? h : undefined
  }, `target ${port}`)
  return seen
}

describe('health checks against real task containers', () => {
  it('takes a healthy target from registration in progress to healthy', async () => {
    const tg = await createGroup('healthy-tg')
    const c = await start('app:v1')
    elb.registerTargets(tg, [{ id: c.host, port: c.port }])
    expect(await health(tg, c.host, c.port)).toEqual({
      State: 'initial',
      Reason: 'Elb.RegistrationInProgress',
      Description: 'Target registration is in progress'
    })
    const seen = await statesUntil(tg, c.port, h => h.State === 'healthy')
    expect(seen[0]).toBe('initial/Elb.RegistrationInProgress')
    expect(await health(tg, c.host, c.port)).toEqual({ State: 'healthy' })
    expect(elb.targetHealth(tg, { id: c.host, port: c.port })).toEqual({ state: 'healthy' })
    const all = await call('DescribeTargetHealth', { TargetGroupArn: tg })
    expect(all.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: '127.0.0.1', Port: c.port, AvailabilityZone: undefined },
        HealthCheckPort: String(c.port),
        TargetHealth: { State: 'healthy', Reason: undefined, Description: undefined }
      }
    ])
  })

  it('marks an -unhealthy target unhealthy with the 503 it answered', async () => {
    const tg = await createGroup('unhealthy-tg')
    const c = await start('app:v2-unhealthy')
    await call('RegisterTargets', {
      TargetGroupArn: tg,
      Targets: [{ Id: c.host, Port: String(c.port) }]
    })
    await statesUntil(tg, c.port, h => h.State === 'unhealthy')
    expect(await health(tg, c.host, c.port)).toEqual({
      State: 'unhealthy',
      Reason: 'Target.ResponseCodeMismatch',
      Description: 'Health checks failed with these codes: [503]'
    })
  })

  it('keeps a failing new target in initial health checking until the unhealthy threshold', async () => {
    const tg = await createGroup('threshold-tg', { UnhealthyThresholdCount: '4' })
    const c = await start('app:v3-unhealthy')
    elb.registerTargets(tg, [{ id: c.host, port: c.port }])
    const seen = await statesUntil(tg, c.port, h => h.State === 'unhealthy')
    expect(seen).toContain('initial/Elb.InitialHealthChecking')
    expect(seen.indexOf('initial/Elb.InitialHealthChecking')).toBeLessThan(
      seen.indexOf('unhealthy/Target.ResponseCodeMismatch')
    )
  })

  it('brings a -slow target from unhealthy to healthy once it warms up', async () => {
    const tg = await createGroup('slow-tg')
    const c = await start('app:v4-slow')
    elb.registerTargets(tg, [{ id: c.host, port: c.port }])
    const seen = await statesUntil(tg, c.port, h => h.State === 'healthy')
    expect(seen).toContain('unhealthy/Target.ResponseCodeMismatch')
    expect(seen[seen.length - 1]).toBe('healthy')
  })

  it('reports Target.Timeout for a target that never answers', async () => {
    const silent = createServer(() => undefined)
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    try {
      const tg = await createGroup('timeout-tg')
      elb.registerTargets(tg, [{ id: '127.0.0.1', port }])
      await statesUntil(tg, port, h => h.State === 'unhealthy')
      expect(await health(tg, '127.0.0.1', port)).toEqual({
        State: 'unhealthy',
        Reason: 'Target.Timeout',
        Description: 'Request timed out'
      })
    } finally {
      silent.closeAllConnections()
      await new Promise(resolve => silent.close(resolve))
    }
  })

  it('reports Target.FailedHealthChecks when the connection is refused', async () => {
    const tg = await createGroup('refused-tg')
    const c = await start('app:v5')
    await c.stop()
    elb.registerTargets(tg, [{ id: c.host, port: c.port }])
    await statesUntil(tg, c.port, h => h.State === 'unhealthy')
    expect(await health(tg, c.host, c.port)).toEqual({
      State: 'unhealthy',
      Reason: 'Target.FailedHealthChecks',
      Description: 'Health checks failed'
    })
  })

  it('drains a deregistered target for the deregistration delay, then forgets it', async () => {
    const tg = await createGroup('drain-tg')
    await call('ModifyTargetGroupAttributes', {
      TargetGroupArn: tg,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }]
    })
    const c = await start('app:v6')
    elb.registerTargets(tg, [{ id: c.host, port: c.port }])
    await statesUntil(tg, c.port, h => h.State === 'healthy')
    const drainStarted = Date.now()
    await call('DeregisterTargets', {
      TargetGroupArn: tg,
      Targets: [{ Id: c.host, Port: String(c.port) }]
    })
    expect(await health(tg, c.host, c.port)).toEqual({
      State: 'draining',
      Reason: 'Target.DeregistrationInProgress',
      Description: 'Target deregistration is in progress'
    })
    // Deregistering again while draining changes nothing.
    elb.deregisterTargets(tg, [{ id: c.host, port: c.port }])
    await waitFor(async () => {
      const out = await call('DescribeTargetHealth', { TargetGroupArn: tg })
      return out.TargetHealthDescriptions.length === 0 ? true : undefined
    }, 'the drained target to disappear')
    expect(Date.now() - drainStarted).toBeGreaterThanOrEqual(20_000 / 100 - 5)
    expect(await health(tg, c.host, c.port)).toEqual({
      State: 'unused',
      Reason: 'Target.NotRegistered',
      Description: 'Target is not registered to the target group'
    })
  })

  it('re-registering a draining target starts it over', async () => {
    const tg = await createGroup('rereg-tg')
    const c = await start('app:v7')
    const target = { id: c.host, port: c.port }
    elb.registerTargets(tg, [target])
    elb.registerTargets(tg, [target])
    elb.deregisterTargets(tg, [target])
    expect(elb.targetHealth(tg, target).state).toBe('draining')
    elb.registerTargets(tg, [target])
    expect(elb.targetHealth(tg, target).reason).toBe('Elb.RegistrationInProgress')
    await statesUntil(tg, c.port, h => h.State === 'healthy')
  })

  it('reports unavailable when health checks are disabled, and applies ModifyTargetGroup', async () => {
    const tg = await createGroup('disabled-tg')
    const c = await start('app:v8-unhealthy')
    elb.registerTargets(tg, [{ id: c.host, port: c.port }])
    const out = await call('ModifyTargetGroup', { TargetGroupArn: tg, HealthCheckEnabled: 'false' })
    expect(out.TargetGroups[0].HealthCheckEnabled).toBe(false)
    await world.clock.sleep(20_000)
    expect(await health(tg, c.host, c.port)).toEqual({
      State: 'unavailable',
      Reason: 'Target.HealthCheckDisabled',
      Description: 'Health checks are disabled'
    })
  })

  it('probes the health-check port when one is set, and matches code ranges', async () => {
    const c = await start('app:v9')
    const tg = await createGroup('port-tg', {
      HealthCheckPort: String(c.port),
      Matcher: { HttpCode: '200-299,302' }
    })
    elb.registerTargets(tg, [{ id: c.host, port: 1 }])
    await statesUntil(tg, 1, h => h.State === 'healthy')
    const out = await call('DescribeTargetHealth', { TargetGroupArn: tg })
    expect(out.TargetHealthDescriptions[0].HealthCheckPort).toBe(String(c.port))
    expect(matchesHttpCode('200-299,302', 302)).toBe(true)
    expect(matchesHttpCode('200-299,302', 301)).toBe(false)
    expect(matchesHttpCode('200', 200)).toBe(true)
  })
})
