/**
 * What each benchmark script of test/bench prints with --json, and how `npm run bench` turns it
 * into one section of RESULTS.md: the figures (raw samples) and one line per figure saying how
 * it is measured. Pure functions; run.ts runs the scripts.
 */
import type { Figure, Section } from './report.js'

/** startup.ts --json (its rows, reference bundles first). */
export interface StartupJson {
  bundles: {
    label: string
    jsBytes: number
    jsGzipBytes: number
    samples: number[]
    errors: string[]
  }[]
}

export interface DeployJson {
  pollMs: number
  detection: Record<'services1' | 'services5', { lagFirstMs: number; lagLastMs: number }[]>
  callsPerMinute: Record<'services1' | 'services5', { perMinute: number; calls: number }[]>
}

export interface RollbackJson {
  timeScale: number
  roundTripLatencyMs: number
  servingOldMs: number[]
  stepMs: number[]
  totalCalls: number[]
  roundTrips: number
  callsBeforeUpdate: number
  waves: string[][]
}

export interface ThroughputJson {
  requests: number
  concurrency: number
  target: number
  rates: number[]
  autocannonRates: number[]
}

export interface LatencyJson {
  requests: number
  delayMs: number
  toleranceMs: number
  ourP50Ms: number[]
  autocannonP50Ms: number[]
}

export interface DemoJson {
  wallMs: number[]
  exitCodes: (number | null)[]
  claims: string[]
}

export interface CanaryJson {
  scale: number
  goals: { canaryShare: number; afterAbort: number; delayMs: number }
  runs: {
    canaryShareClient: number
    canaryShareGroups: number
    afterClient: number
    afterGroups: number
    delayMs: number
    productShare: number
    realMs: number
  }[]
}

/** startup.ts's name of the floor bundle, and how RESULTS.md names it. */
const FLOOR = 'client-only'
const FLOOR_LABEL = 'floor (@aws-sdk/client-ecs alone)'

/** a[i] / b[i] for the runs both have (the rounds are interleaved, so run i is one round). */
function ratios(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length)
  return Array.from({ length: n }, (_, i) => a[i]! / b[i]!)
}

export function startupSection(json: StartupJson): Section {
  const floor = json.bundles.find(b => b.label === FLOOR)
  const figures: Figure[] = []
  const errors: string[] = []
  for (const bundle of json.bundles) {
    const name = bundle.label === FLOOR ? FLOOR_LABEL : bundle.label.replace(/ after$/, '')
    figures.push(
      { label: `${name}: all .js`, unit: 'B', samples: [bundle.jsBytes] },
      { label: `${name}: all .js gzipped`, unit: 'B', samples: [bundle.jsGzipBytes] },
      { label: `${name}: start-up`, unit: 'ms', samples: bundle.samples }
    )
    if (floor !== undefined && bundle !== floor && bundle.label.endsWith(' after')) {
      const label = `${name}: start-up ÷ floor's`
      figures.push({ label, unit: '×', samples: ratios(bundle.samples, floor.samples), digits: 2 })
    }
    errors.push(...bundle.errors.map(error => `${name}: ${error}`))
  }
  return {
    id: 'startup',
    title: 'Bundle size and start-up of each action, against the floor',
    figures,
    errors,
    method: [
      'all .js: the bytes of every .js file under the dist folder (chunks and post/ included), of the working tree at the start; measured once.',
      'all .js gzipped: each of those files gzipped (level 9), summed; measured once.',
      'start-up: spawn of `node dist/index.js` with the least inputs that reach AWS → its first TCP connection to a fake AWS endpoint (the child is killed there), on the Node that runs the bundles; one unrecorded warm-up run each, then the bundles interleaved round-robin (test/bench/startup.ts).',
      `${FLOOR_LABEL}: an \`ncc build --minify\` bundle of an entry that only sends one ECS DescribeServices, built in the same run into a temp dir and measured the same way; client+@actions/core adds @actions/core and one core.info.`,
      "start-up ÷ floor's: each round's start-up divided by the floor's in the same round."
    ]
  }
}

export function deploySection(json: DeployJson): Section {
  const goal = `≤ ${(json.pollMs + 1000).toLocaleString('en-US')} ms`
  const { detection, callsPerMinute } = json
  return {
    id: 'deploy',
    title: 'Failure detection and AWS calls of deploy-fargate',
    errors: [],
    figures: [
      {
        label: 'detection lag, 1 service',
        unit: 'ms',
        samples: detection.services1.map(r => r.lagFirstMs),
        goal
      },
      {
        label: 'detection lag, 5 services, from the first failure',
        unit: 'ms',
        samples: detection.services5.map(r => r.lagFirstMs),
        goal
      },
      {
        label: 'detection lag, 5 services, from the last failure',
        unit: 'ms',
        samples: detection.services5.map(r => r.lagLastMs)
      },
      {
        label: 'AWS calls per minute while watching, 1 service',
        unit: '/min',
        samples: callsPerMinute.services1.map(r => r.perMinute),
        digits: 1
      },
      {
        label: 'AWS calls per minute while watching, 5 services',
        unit: '/min',
        samples: callsPerMinute.services5.map(r => r.perMinute),
        digits: 1
      }
    ],
    method: [
      `detection lag: the deploy-fargate bundle deploys a \`-crash\` image to 1 or 5 sim services (circuit breaker on, ECS rollback off, \`on-failure: none\`, poll interval ${json.pollMs} ms, sim at 20×); from the createdAt of the service's "deployment failed" event (the first and the last of the 5) to the action's exit, real ms (test/bench/deploy-fargate.ts).`,
      'AWS calls per minute: a good release to 1 or 5 services (poll interval 5 s, sim at 0.5× so the rollout lasts ~40 real s); every non-GitHub call the sim received after UpdateService, per real minute until the action exits.'
    ]
  }
}

export function rollbackSection(json: RollbackJson): Section {
  const waves = json.waves.map(wave => wave.join(' ‖ ')).join(' → ')
  return {
    id: 'rollback',
    title: 'Rollback',
    errors: [],
    figures: [
      {
        label: 'action start → only the old revision serving',
        unit: 'ms',
        samples: json.servingOldMs
      },
      { label: 'action start → step finished', unit: 'ms', samples: json.stepMs },
      {
        label: 'AWS round trips before UpdateService',
        unit: '',
        samples: [json.roundTrips],
        goal: '≤ 2'
      },
      { label: 'AWS calls before UpdateService', unit: '', samples: [json.callsBeforeUpdate] },
      { label: 'AWS calls in the whole step', unit: '', samples: json.totalCalls }
    ],
    method: [
      `only the old revision serving: a bad release (\`-errors\`) deployed on the sim (${json.timeScale}× time), then the rollback bundle (poll interval 500 ms); a reader polls the load balancer's listener every 10 ms; from the action's start to the last answer not from the old image (test/bench/rollback-time.ts).`,
      'step finished: from the action’s start to its exit (rollout seen COMPLETED).',
      `round trips and calls before UpdateService: one extra run in which every AWS call takes ${json.roundTripLatencyMs} ms; calls received before the first UpdateService, grouped into sequential waves (parallel calls count once): ${waves || 'none'}.`,
      'AWS calls in the whole step: every non-GitHub call the sim received during the step, per timing run.'
    ]
  }
}

export function healthSection(throughput: ThroughputJson, latency: LatencyJson): Section {
  const gaps = latency.ourP50Ms.map((ours, i) => Math.abs(ours - latency.autocannonP50Ms[i]!))
  return {
    id: 'health',
    title: "health-verify's HTTP probe against autocannon",
    errors: [],
    figures: [
      {
        label: 'probe throughput',
        unit: 'req/s',
        samples: throughput.rates,
        goal: `≥ ${throughput.target.toLocaleString('en-US')} req/s`
      },
      {
        label: 'autocannon throughput, same server',
        unit: 'req/s',
        samples: throughput.autocannonRates
      },
      {
        label: "probe throughput ÷ autocannon's",
        unit: '×',
        samples: ratios(throughput.rates, throughput.autocannonRates),
        digits: 2
      },
      { label: 'probe p50 latency', unit: 'ms', samples: latency.ourP50Ms, digits: 2 },
      { label: 'autocannon p50 latency', unit: 'ms', samples: latency.autocannonP50Ms, digits: 2 },
      {
        label: 'p50 gap |probe − autocannon|',
        unit: 'ms',
        samples: gaps,
        digits: 2,
        goal: `≤ ${latency.toleranceMs} ms`
      }
    ],
    method: [
      `throughput: sampleLoad of ${throughput.requests.toLocaleString('en-US')} requests, ${throughput.concurrency} in flight, to a keep-alive loopback server in its own process that answers at once; then autocannon with ${throughput.concurrency} connections and as many requests on the same server; requests / wall time of each call (test/bench/health-throughput.ts).`,
      `latency: the server answers after ${latency.delayMs} ms; per run, ${latency.requests.toLocaleString('en-US')} requests over 10 connections by the probe (sampleLoad + summarizeLatency) then by autocannon; the gap is per run (test/bench/health-latency-accuracy.ts).`
    ]
  }
}

export function demoSection(json: DemoJson): Section {
  const errors = json.exitCodes.flatMap((code, i) =>
    code === 0 ? [] : [`demo run ${i + 1} exited ${code}: ${json.claims[i]}`]
  )
  // The claims line ends with the demo's own time, different in every run.
  const claims = new Set(json.claims.map(line => line.replace(/ · [\d.]+ s$/, '')))
  return {
    id: 'demo',
    title: 'Demo',
    errors,
    figures: [
      {
        label: 'wall time of `npm run demo`',
        unit: 's',
        samples: json.wallMs.map(ms => ms / 1000),
        digits: 1
      }
    ],
    method: [
      `wall time: \`npm run demo -- --quiet\` spawned as a user runs it, start to exit (test/bench/demo-time.ts); the demo said: ${[...claims].join('; ')}.`
    ]
  }
}

export function canarySection(json: CanaryJson): Section {
  const runs = json.runs
  const share = `≤ ${Math.round(json.goals.canaryShare * 100)}%`
  const percent = (values: number[]) => values.map(v => v * 100)
  return {
    id: 'canary',
    title: 'Canary blast radius (a failed 10% canary)',
    errors: [],
    figures: [
      {
        label: 'share of requests to the new revision during the canary, client',
        unit: '%',
        samples: percent(runs.map(r => r.canaryShareClient)),
        digits: 1,
        goal: share
      },
      {
        label: 'same, sim target-group records',
        unit: '%',
        samples: percent(runs.map(r => r.canaryShareGroups)),
        digits: 1,
        goal: share
      },
      {
        label: 'requests to the new revision after the abort, client',
        unit: '',
        samples: runs.map(r => r.afterClient),
        goal: String(json.goals.afterAbort)
      },
      {
        label: 'same, sim target group',
        unit: '',
        samples: runs.map(r => r.afterGroups),
        goal: String(json.goals.afterAbort)
      },
      {
        label: 'first bad metrics minute end → weights back at 100% old (sim time)',
        unit: 's',
        samples: runs.map(r => r.delayMs / 1000),
        digits: 1,
        goal: `≤ ${json.goals.delayMs / 1000} s`
      },
      {
        label: "the analysis' own blast radius",
        unit: '%',
        samples: percent(runs.map(r => r.productShare)),
        digits: 1
      },
      { label: 'real time per run', unit: 's', samples: runs.map(r => r.realMs / 1000), digits: 1 }
    ],
    method: [
      `the real deploy() of packages/ecs with strategy canary (deploy-fargate's defaults) rolls out an \`-errors\` release on the sim (${json.scale}× time) while its traffic generator sends production requests; a separate reader polls the production listener rule every 20 real ms (test/bench/canary-blast-radius.ts).`,
      'share during the canary: requests answered by the new revision ÷ all, from the reading that saw the weight leave 0 to the one that saw it back at 0, from the client answers and from the sim’s target-group records.',
      'after the abort: requests that reached the new revision from weights back at 100% old until 30 sim s after deploy() returned.',
      'delay: from the end of the first whole minute with 5XX on the new target group to the reading that saw the rule back at 100% old, in sim seconds.'
    ]
  }
}
