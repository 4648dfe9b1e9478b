import { z } from 'zod'
import { quote } from '../quote.js'
import { CHECK_TYPES, type CheckSpec } from '../types.js'
import { AlarmCheck, EcsServiceCheck, SqsCheck, TargetGroupCheck } from './aws.js'
import { CommandCheck } from './command.js'
import { isAbsent } from './fields.js'
import { HttpCheck } from './http.js'

/*
 * The health-verify checks format: a list of `{ name, <type>: { fields } }`. One schema types
 * the list, validates it (every problem with its line and field, through common's
 * checkAgainstSchema), turns it into CheckSpecs and is embedded in the application config's
 * schema, whose JSON Schema editors complete and check.
 */

const TYPES = CHECK_TYPES.join(', ')

const name = z
  .string({
    error: issue =>
      `${isAbsent(issue.input) ? 'missing' : `${quote(issue.input)} is not a name`}. Give every check a unique name, e.g. '- name: api'.`
  })
  .refine(value => value.trim() !== '', {
    error: "is blank. Give every check a unique name, e.g. '- name: api'."
  })
  .describe('A unique name: in logs, the summary, failed-checks and annotations.')

export const CheckSchema = z
  .strictObject(
    {
      name,
      http: HttpCheck.optional().describe('Requests a URL: status, body, JSON, latency.'),
      'ecs-service': EcsServiceCheck.optional().describe(
        'The ECS service is settled and every task a healthy target.'
      ),
      'target-group': TargetGroupCheck.optional().describe(
        'Enough healthy targets in a target group.'
      ),
      'cloudwatch-alarm': AlarmCheck.optional().describe('CloudWatch alarms are not in ALARM.'),
      'sqs-queue': SqsCheck.optional().describe(
        'Queue depth, message age, empty dead-letter queue.'
      ),
      command: CommandCheck.optional().describe(
        "The application's own test, run against the environment (FARGATE_PROMOTE_URL)."
      )
    },
    {
      error: issue =>
        issue.code === 'invalid_type'
          ? `${quote(issue.input)} is not a mapping. Write each check as '- name: …' followed by one type (${TYPES}).`
          : undefined
    }
  )
  .check(ctx => {
    const given = CHECK_TYPES.filter(type => ctx.value[type] !== undefined)
    if (given.length === 1) return
    const problem =
      given.length === 0 ? 'has no type' : `has ${given.length} types (${given.join(', ')})`
    ctx.issues.push({
      code: 'custom',
      message: `check '${ctx.value.name}' ${problem}. Give exactly one of: ${TYPES}.`,
      input: ctx.value
    })
  })
  .transform(({ name, ...types }): CheckSpec => {
    const spec = CHECK_TYPES.map(type => types[type]).find(body => body !== undefined)
    return { ...(spec as Omit<CheckSpec, 'name'>), name } as CheckSpec
  })
  .meta({ id: 'Check' })

function notAList(input: unknown): string {
  if (isAbsent(input)) return 'no checks defined. Give a YAML list of checks.'
  const got = typeof input === 'object' ? 'a mapping' : 'a single value'
  return `expected a YAML list of checks (each starting with '- name:'), got ${got}.`
}

export const ChecksSchema = z
  .array(CheckSchema, {
    error: issue => (issue.code === 'invalid_type' ? notAList(issue.input) : undefined)
  })
  .min(1, 'the list of checks is empty. Define at least one.')
  .check(ctx => {
    const first = new Map<string, number>()
    ctx.value.forEach((check, index) => {
      const earlier = first.get(check.name)
      if (earlier === undefined) return void first.set(check.name, index)
      ctx.issues.push({
        code: 'custom',
        message: `check '${check.name}' is defined twice ([${earlier}] and [${index}]). Check names must be unique.`,
        input: check.name,
        path: [index, 'name']
      })
    })
  })
  .describe('Health checks: each a name and exactly one type.')

/** A check as written (kebab-case fields, defaults left out); CheckSpec is what it becomes. */
export type CheckInput = z.input<typeof CheckSchema>
