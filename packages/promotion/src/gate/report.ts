import type { GateVerdict } from './types.js'

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString()
}

/**
 * The gate's report file: the verdict with times in ISO 8601. The production deploy reads
 * `images` and `taskDefinitionArn` from it; people read `checks` and `nextSteps`.
 */
export function verdictToJson(verdict: GateVerdict): string {
  const json = {
    approved: verdict.approved,
    mode: verdict.mode,
    evaluatedAt: iso(verdict.evaluatedAt),
    version: verdict.version,
    sha: verdict.sha,
    taskDefinitionArn: verdict.taskDefinitionArn,
    images: verdict.images,
    soak: {
      soakedForMs: verdict.soakedForMs,
      remainingSoakMs: verdict.remainingSoakMs,
      minSoakMs: verdict.minSoakMs
    },
    emergency: verdict.emergency,
    checks: verdict.checks,
    nextSteps: verdict.nextSteps,
    services: verdict.services.map(service => ({
      ...service,
      liveSince: iso(service.liveSince)
    }))
  }
  return `${JSON.stringify(json, null, 2)}\n`
}
