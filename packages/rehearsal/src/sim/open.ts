import type { PromotionConfig } from '@fargate-promote/promotion'
import { shiftsTraffic, scenarioFromConfig } from './seed.js'
import { connectSim, seedSim, startSim, type RunningSim } from './start.js'
import { startSimTraffic, type SimTraffic } from './traffic.js'

export interface OpenSimOptions {
  config: PromotionConfig
  productRoot: string
  workDir: string
  /** A running sim to use (`--sim URL`); otherwise one is started on a free port. */
  url?: string
  timeScale: number
  repository: string
  actor: string
  /** The release the services run before the rehearsal. */
  initial?: string
  /** Branch histories the sim's GitHub knows (full shas, oldest first). */
  history?: Record<string, string[]>
  /** PATH and HOME for the simulator's process. */
  hostEnv?: Readonly<Record<string, string | undefined>>
  /** Environments whose listener gets the alternate target group though the config says rolling. */
  alternateTargetGroups?: string[]
}

/**
 * The simulator, seeded from the config file's environments. An environment whose config says
 * canary, linear or blue-green (with a loopback URL) gets steady traffic on its URL until the sim
 * is stopped: the deployment's analysis judges whole minutes of production requests.
 */
export async function openSim(options: OpenSimOptions): Promise<RunningSim> {
  const scenario = scenarioFromConfig(options.config, {
    repository: options.repository,
    actor: options.actor,
    ...(options.initial !== undefined && { initial: options.initial }),
    ...(options.history !== undefined && { history: options.history }),
    ...(options.alternateTargetGroups !== undefined && {
      alternateTargetGroups: options.alternateTargetGroups
    })
  })
  let sim: RunningSim
  if (options.url === undefined) {
    sim = await startSim({
      productRoot: options.productRoot,
      workDir: options.workDir,
      timeScale: options.timeScale,
      scenario,
      ...(options.hostEnv !== undefined && { hostEnv: options.hostEnv })
    })
  } else {
    sim = await connectSim(options.url)
    // A sim this config seeded before (an earlier rehearsal) keeps its state: seeding it again
    // would try to create the same services.
    if (!(await servesConfig(sim.url, options.config))) await seedSim(sim.url, scenario)
  }
  return withTraffic(sim, options)
}

/** Traffic on every loopback URL of an environment that shifts traffic; stopped with the sim. */
async function withTraffic(sim: RunningSim, options: OpenSimOptions): Promise<RunningSim> {
  const urls = Object.values(options.config.environments)
    .filter(env => shiftsTraffic(env) && env.url !== undefined && isLoopback(env.url))
    .map(env => env.url as string)
  const traffic: SimTraffic[] = []
  try {
    for (const url of urls) {
      traffic.push(
        await startSimTraffic({
          productRoot: options.productRoot,
          url,
          timeScale: sim.time.scale,
          ...(options.hostEnv !== undefined && { hostEnv: options.hostEnv })
        })
      )
    }
  } catch (error) {
    await Promise.allSettled(traffic.map(t => t.stop()))
    await sim.stop()
    throw error
  }
  if (traffic.length === 0) return sim
  return {
    ...sim,
    stop: async () => {
      await Promise.allSettled(traffic.map(t => t.stop()))
      await sim.stop()
    }
  }
}

function isLoopback(url: string): boolean {
  const { hostname } = new URL(url)
  return hostname === '127.0.0.1' || hostname === 'localhost'
}

/** Whether the sim already listens on an environment's loopback URL (seeded from this config). */
async function servesConfig(simUrl: string, config: PromotionConfig): Promise<boolean> {
  const response = await fetch(`${simUrl}/_sim/listeners`)
  if (!response.ok) return false
  const { listeners } = (await response.json()) as { listeners: { url: string }[] }
  const ports = new Set(listeners.map(l => new URL(l.url).port))
  return Object.values(config.environments).some(env => {
    if (env.url === undefined) return false
    const url = new URL(env.url)
    return (url.hostname === '127.0.0.1' || url.hostname === 'localhost') && ports.has(url.port)
  })
}

/** Tells the sim's GitHub about commits pushed to a branch (the gate compares with them). */
export async function pushCommits(
  simUrl: string,
  repository: string,
  branch: string,
  commits: string[]
): Promise<void> {
  const response = await fetch(`${simUrl}/_sim/github/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repository, branch, commits })
  })
  if (!response.ok)
    throw new Error(`The simulator refused the push to ${branch}: ${await response.text()}`)
}
