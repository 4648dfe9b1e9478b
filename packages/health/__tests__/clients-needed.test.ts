import { describe, expect, it } from '@jest/globals'
import * as YAML from 'yaml'
import { ChecksSchema, clientsNeeded } from '../src/index.js'

const needs = (yaml: string) => clientsNeeded(ChecksSchema.parse(YAML.parse(yaml)))

describe('clientsNeeded', () => {
  it('needs no AWS client for HTTP checks', () => {
    expect(needs('- name: api\n  http: { url: "https://example.com/health" }')).toEqual({
      ecs: false,
      elb: false,
      cloudwatch: false,
      sqs: false
    })
  })

  it('needs no AWS client for command checks', () => {
    expect(needs('- name: smoke\n  command: { run: ./smoke.sh }')).toEqual({
      ecs: false,
      elb: false,
      cloudwatch: false,
      sqs: false
    })
  })

  it('needs CloudWatch for an SQS age limit, not for a depth limit alone', () => {
    expect(needs('- name: q\n  sqs-queue: { queue: jobs, max-visible: 10 }')).toMatchObject({
      sqs: true,
      cloudwatch: false
    })
    expect(needs('- name: q\n  sqs-queue: { queue: jobs, max-age: 5m }')).toMatchObject({
      sqs: true,
      cloudwatch: true
    })
  })

  it('names each client its check type reads', () => {
    expect(
      needs(
        [
          '- name: svc',
          '  ecs-service: { cluster: prod, service: web }',
          '- name: tg',
          '  target-group: { target-group: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef" }',
          '- name: alarms',
          '  cloudwatch-alarm: { alarms: [web-5xx] }'
        ].join('\n')
      )
    ).toEqual({ ecs: true, elb: true, cloudwatch: true, sqs: false })
  })
})
