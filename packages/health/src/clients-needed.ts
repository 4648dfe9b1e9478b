import type { CheckSpec } from './types.js'

/** Which AWS clients a set of checks uses: an adapter creates (and loads) only those. */
export interface ClientsNeeded {
  ecs: boolean
  elb: boolean
  cloudwatch: boolean
  sqs: boolean
}

/**
 * The queue-age limit of an SQS check is read from CloudWatch, like alarms. A command check
 * needs no AWS client: the command brings its own (it gets a command runner, see requireClients).
 */
export function clientsNeeded(checks: readonly CheckSpec[]): ClientsNeeded {
  const has = (type: CheckSpec['type']) => checks.some(check => check.type === type)
  return {
    ecs: has('ecs-service'),
    // An ECS service serves only when its tasks are healthy targets of its target groups.
    elb: has('target-group') || has('ecs-service'),
    cloudwatch:
      has('cloudwatch-alarm') ||
      checks.some(check => check.type === 'sqs-queue' && check.maxAgeMs !== undefined),
    sqs: has('sqs-queue')
  }
}

const CLIENT_OF: Record<keyof ClientsNeeded, string> = {
  ecs: 'an ECS client',
  elb: 'an Elastic Load Balancing v2 client',
  cloudwatch: 'a CloudWatch client',
  sqs: 'an SQS client'
}

/**
 * Every client the checks need was given, and a command runner when there are command checks:
 * a front end creates them from clientsNeeded (and createCommandRunner), so a missing one is a
 * bug in that front end, found before the first request.
 */
export function requireClients(
  checks: readonly CheckSpec[],
  clients: Partial<Record<keyof ClientsNeeded | 'commands', unknown>>
): void {
  const needed = clientsNeeded(checks)
  for (const name of Object.keys(needed) as (keyof ClientsNeeded)[]) {
    if (needed[name] && clients[name] === undefined) {
      throw new Error(`the checks need ${CLIENT_OF[name]} (deps.${name}), but none was given`)
    }
  }
  if (checks.some(check => check.type === 'command') && clients.commands === undefined) {
    throw new Error(
      'the checks need a command runner (deps.commands: createCommandRunner), but none was given'
    )
  }
}
