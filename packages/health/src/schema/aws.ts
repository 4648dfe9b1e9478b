import { z } from 'zod'
import type {
  AlarmCheckSpec,
  EcsServiceCheckSpec,
  SqsCheckSpec,
  TargetGroupCheckSpec
} from '../types.js'
import { quote } from '../quote.js'
import { boundedNumber, checkType, duration, flag, oneOrList, optional, text } from './fields.js'

/** The checks that ask AWS: a spec each, named by the check (added by CheckSchema). */
type Unnamed<Spec> = Omit<Spec, 'name'>

export const EcsServiceCheck = checkType('ecs-service', {
  cluster: text('the ECS cluster name or ARN'),
  service: text('the ECS service name or ARN')
}).transform((fields): Unnamed<EcsServiceCheckSpec> => ({ type: 'ecs-service', ...fields }))

export const TargetGroupCheck = checkType('target-group', {
  'target-group': text('the target group ARN or name'),
  'min-healthy-percent': optional(boundedNumber(0, 100, false)).describe(
    'Share of the serving targets that must be healthy. Default 100.'
  )
}).transform((fields): Unnamed<TargetGroupCheckSpec> => ({
  type: 'target-group',
  targetGroup: fields['target-group'],
  minHealthyPercent: fields['min-healthy-percent'] ?? 100
}))

const alarmNames = oneOrList(z.string(), {
  notEntry: entry => `${quote(entry)} is not an alarm name.`,
  read: name => (name.trim() === '' ? { problem: `${quote(name)} is not an alarm name.` } : name),
  empty: 'the list is empty. Name at least one alarm.'
}).describe('Alarm names: one, or a list.')

export const AlarmCheck = checkType('cloudwatch-alarm', {
  alarms: optional(alarmNames),
  prefix: optional(text('an alarm name prefix')),
  'fail-on-insufficient-data': optional(flag)
})
  .check(ctx => {
    if ((ctx.value.alarms === undefined) === (ctx.value.prefix === undefined)) {
      ctx.issues.push({
        code: 'custom',
        message: "give either 'alarms' (a list of names) or 'prefix', not both or none.",
        input: ctx.value,
        path: ['alarms']
      })
    }
  })
  .transform((fields): Unnamed<AlarmCheckSpec> => {
    const failOnInsufficientData = fields['fail-on-insufficient-data'] ?? false
    const { alarms, prefix } = fields
    const which = prefix !== undefined ? { prefix } : { alarms: alarms as string[] }
    return { type: 'cloudwatch-alarm', ...which, failOnInsufficientData }
  })

export const SqsCheck = checkType('sqs-queue', {
  queue: text('the queue URL or name'),
  'max-visible': optional(boundedNumber(0, undefined, true)),
  'max-age': optional(duration),
  'dead-letter-empty': optional(flag)
}).transform((fields): Unnamed<SqsCheckSpec> => ({
  type: 'sqs-queue',
  queue: fields.queue,
  ...(fields['max-visible'] !== undefined && { maxVisible: fields['max-visible'] }),
  ...(fields['max-age'] !== undefined && { maxAgeMs: fields['max-age'] }),
  deadLetterEmpty: fields['dead-letter-empty'] ?? true
}))
