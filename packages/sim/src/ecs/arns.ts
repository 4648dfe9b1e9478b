import { randomBytes, randomInt } from 'node:crypto'
import { SIM_ACCOUNT_ID } from '../contract.js'

export function ecsArn(region: string, resource: string): string {
  return `arn:aws:ecs:${region}:${SIM_ACCOUNT_ID}:${resource}`
}

/** `ecs-svc/` and 19 decimal digits, as real deployment ids look. */
export function newDeploymentId(): string {
  let digits = String(randomInt(1, 10))
  while (digits.length < 19) digits += String(randomInt(0, 10))
  return `ecs-svc/${digits}`
}

export function newTaskId(): string {
  return randomBytes(16).toString('hex')
}

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Service deployment ARNs end in a 21-character token. */
export function newServiceDeploymentToken(): string {
  let token = ''
  for (let i = 0; i < 21; i++) token += TOKEN_CHARS[randomInt(0, TOKEN_CHARS.length)]
  return token
}

/** The part after the last `/` of an ARN, or the string itself. */
export function lastSegment(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1)
}
