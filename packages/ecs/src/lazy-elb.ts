/**
 * Elastic Load Balancing is read only once a service has tasks to judge (target health), after
 * the first ECS request: loaded on first use, so an action's start-up does not pay for it.
 */
export function loadElb(): Promise<typeof import('@aws-sdk/client-elastic-load-balancing-v2')> {
  return import('@aws-sdk/client-elastic-load-balancing-v2')
}
