import { expect } from '@jest/globals'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { MemoryLogger, scaledClock, type Clock } from '@fargate-promote/common'
import { startSim, type Sim } from '@fargate-promote/sim'
import { register, until } from './progressive-follow-fixtures.js'

/**
 * A rolling service `web` in cluster `prod` on the sim (virtual time at scale 30: a sim minute
 * is 2 real seconds), with one attempt per AWS call so every fault is one the code sees — the
 * stage of the outage and cancellation tests (watch-outage-sim, deploy-cancel-sim,
 * rollback-cancel-sim).
 */

export const SCALE = 30

export interface RollingSim {
  sim: Sim
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  clock: Clock
  log: MemoryLogger
  /** Adds a fault rule (`POST /_sim/faults`). */
  fault(rule: Record<string, unknown>): Promise<void>
  /** The operations of the sim's call log, oldest first. */
  operations(): Promise<string[]>
  stop(): Promise<void>
}

export async function rollingSim(): Promise<RollingSim> {
  const sim = await startSim({ timeScale: SCALE, virtualTime: true })
  const credentials = { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }
  const config = { endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 }
  const ecs = new ECSClient(config)
  const elb = new ElasticLoadBalancingV2Client(config)
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))
  return {
    sim,
    ecs,
    elb,
    clock: scaledClock({ origin: sim.clock.origin, scale: SCALE }),
    log: new MemoryLogger(),
    async fault(rule) {
      const res = await fetch(`${sim.url}/_sim/faults`, {
        method: 'POST',
        body: JSON.stringify(rule)
      })
      expect(res.status).toBe(201)
    },
    async operations() {
      const answer = (await (await fetch(`${sim.url}/_sim/calls`)).json()) as {
        calls: { operation: string }[]
      }
      return answer.calls.map(call => call.operation)
    },
    async stop() {
      ecs.destroy()
      elb.destroy()
      await sim.stop()
    }
  }
}

/** Registers `images` as web:1, web:2, … and starts `web` on `taskDefinition`. */
export async function createWeb(
  s: RollingSim,
  {
    images,
    taskDefinition,
    desiredCount
  }: { images: string[]; taskDefinition: string; desiredCount: number }
): Promise<void> {
  for (const image of images) await register(s.ecs, image)
  await s.ecs.send(
    new CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition,
      desiredCount,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } }
    })
  )
}

/** Waits until web's first deployment has COMPLETED. */
export async function settled(s: RollingSim, what: string): Promise<void> {
  await until(async () => {
    const out = await s.ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
    )
    return out.services?.[0]?.deployments?.[0]?.rolloutState === 'COMPLETED' ? true : undefined
  }, what)
}
