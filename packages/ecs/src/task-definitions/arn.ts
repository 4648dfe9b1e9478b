/** `family` and `revision` of a task definition ARN or of a `family:revision` reference. */
export interface TaskDefinitionName {
  family: string
  revision?: number
}

const ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\/([A-Za-z0-9_-]+)(?::(\d+))?$/
const SHORT = /^([A-Za-z0-9_-]+)(?::(\d+))?$/

/** Undefined when `ref` is neither an ECS task-definition ARN nor `family[:revision]`. */
export function parseTaskDefinitionArn(ref: string): TaskDefinitionName | undefined {
  const match = ARN.exec(ref) ?? SHORT.exec(ref)
  if (!match) return undefined
  const family = match[1] as string
  return match[2] === undefined ? { family } : { family, revision: Number(match[2]) }
}

/** The family of a task-definition ARN, or the ARN itself when it cannot be parsed. */
export function familyOf(arn: string): string {
  return parseTaskDefinitionArn(arn)?.family ?? arn
}

/** `family:revision` — short, for logs. */
export function shortName(arn: string): string {
  const parsed = parseTaskDefinitionArn(arn)
  if (!parsed) return arn
  return parsed.revision === undefined ? parsed.family : `${parsed.family}:${parsed.revision}`
}
