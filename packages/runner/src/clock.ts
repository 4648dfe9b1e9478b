import { scaledClock, systemClock, type Clock } from '@fargate-promote/common'

/** Set by `fargate-promote rehearse` for the bundles it runs: `<origin epoch ms>,<scale>`. */
export const REHEARSAL_CLOCK_VARIABLE = 'FARGATE_PROMOTE_SIM_CLOCK'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

function pointsAtLoopback(url: string | undefined): boolean {
  if (url === undefined) return false
  try {
    return LOOPBACK.has(new URL(url).hostname)
  } catch {
    return false
  }
}

/**
 * The clock an action waits with: the real one, except in a rehearsal, where the simulator runs
 * its time faster and the action must agree with it (a 15 min monitoring window in seconds).
 * The variable is honoured only while AWS_ENDPOINT_URL points at this machine, so it can never
 * shorten a wait against real AWS.
 */
export function actionClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const value = env[REHEARSAL_CLOCK_VARIABLE]
  if (value === undefined || value === '' || !pointsAtLoopback(env.AWS_ENDPOINT_URL)) {
    return systemClock
  }
  const [origin, scale] = value.split(',').map(Number)
  if (
    origin === undefined ||
    scale === undefined ||
    !Number.isFinite(origin) ||
    !Number.isFinite(scale) ||
    scale <= 0
  ) {
    throw new Error(
      `${REHEARSAL_CLOCK_VARIABLE} must be "<origin epoch ms>,<scale>", not "${value}".`
    )
  }
  return scaledClock({ origin, scale })
}
