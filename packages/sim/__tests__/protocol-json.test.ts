import { describe, expect, it } from '@jest/globals'
import { AwsError } from '../src/contract.js'
import {
  decodeJsonBody,
  encodeJsonBody,
  encodeJsonError,
  JSON_1_0,
  JSON_1_1
} from '../src/protocols/json.js'
import { encodeQueryParams } from '../src/protocols/query-codec.js'
import { regionFromAuthorization } from '../src/protocols/sigv4.js'
import { createCallLog } from '../src/call-log.js'

describe('encodeJsonBody', () => {
  it('writes Dates as epoch seconds wherever they are and drops undefined', () => {
    const at = new Date(1764158400123)
    const body = encodeJsonBody({ a: at, list: [{ b: at, c: undefined }], d: undefined, e: null })
    expect(JSON.parse(body)).toEqual({ a: 1764158400.123, list: [{ b: 1764158400.123 }], e: null })
    expect(body).toContain('1764158400.123')
  })

  it('encodes an absent result as an empty object', () => {
    expect(encodeJsonBody(undefined)).toBe('{}')
  })
})

describe('decodeJsonBody', () => {
  it('treats an empty body as {}', () => {
    expect(decodeJsonBody('  ')).toEqual({})
  })
  it.each(['{', '"text"', '[1]', 'null'])('rejects %p with SerializationException', text => {
    expect(() => decodeJsonBody(text)).toThrow(
      expect.objectContaining({ code: 'SerializationException', status: 400 })
    )
  })
})

describe('encodeJsonError', () => {
  it('adds x-amzn-query-error for query-compatible services only', () => {
    const error = new AwsError('ResourceNotFound', 'gone', 404)
    const cw = encodeJsonError(error, {
      queryCompatible: true,
      contentType: JSON_1_0,
      requestId: 'r'
    })
    expect(cw.headers['x-amzn-query-error']).toBe('ResourceNotFound;Sender')
    expect(JSON.parse(cw.body)).toEqual({ __type: 'ResourceNotFound', message: 'gone' })
    const ecs = encodeJsonError(new AwsError('ServerException', 'boom', 500), {
      queryCompatible: false,
      contentType: JSON_1_1,
      requestId: 'r'
    })
    expect(ecs.headers['x-amzn-query-error']).toBeUndefined()
    expect(ecs.status).toBe(500)
  })

  it('maps SQS shape names to query codes and back', () => {
    const options = { queryCompatible: true, contentType: JSON_1_0, requestId: 'r', service: 'sqs' }
    const byShape = encodeJsonError(new AwsError('QueueNameExists', 'x'), options)
    expect(byShape.headers['x-amzn-query-error']).toBe('QueueAlreadyExists;Sender')
    const byCode = encodeJsonError(new AwsError('QueueAlreadyExists', 'x'), options)
    expect(JSON.parse(byCode.body)).toMatchObject({ __type: 'QueueNameExists' })
    const other = encodeJsonError(new AwsError('InternalFailure', 'x', 500), options)
    expect(other.headers['x-amzn-query-error']).toBe('InternalFailure;Receiver')
  })
})

describe('regionFromAuthorization', () => {
  it.each([
    [
      'AWS4-HMAC-SHA256 Credential=AKID/20261126/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=ab',
      'eu-west-1'
    ],
    ['AWS4-HMAC-SHA256 Credential=AKID/20261126/ap-southeast-2/sqs/aws4_request', 'ap-southeast-2'],
    ['Bearer token', 'us-east-1'],
    [undefined, 'us-east-1']
  ])('%p -> %s', (header, region) => {
    expect(regionFromAuthorization(header)).toBe(region)
  })
})

describe('encodeQueryParams', () => {
  it('flattens nested members and lists like the SDK', () => {
    const body = encodeQueryParams('CreateListener', '2015-12-01', {
      Port: 80,
      Skip: undefined,
      When: new Date(0),
      DefaultActions: [
        { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'a', Weight: 1 }] } }
      ]
    })
    expect(new URLSearchParams(body).toString()).toBe(body)
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      Action: 'CreateListener',
      Version: '2015-12-01',
      Port: '80',
      When: '1970-01-01T00:00:00.000Z',
      'DefaultActions.member.1.Type': 'forward',
      'DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn': 'a',
      'DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight': '1'
    })
  })
})

describe('createCallLog', () => {
  it('numbers records, filters them, keeps a bounded window and keeps counting after clear', () => {
    const log = createCallLog(3)
    const base = { receivedAt: 1, time: 1, params: {}, status: 200 }
    log.record({ ...base, service: 'ecs', operation: 'A', mutating: true })
    log.record({ ...base, service: 'sqs', operation: 'B', mutating: false })
    log.record({ ...base, service: 'ecs', operation: 'C', mutating: false })
    log.record({ ...base, service: 'ecs', operation: 'D', mutating: true })
    expect(log.list().map(r => r.seq)).toEqual([2, 3, 4])
    expect(log.list({ service: 'ecs', mutating: false }).map(r => r.operation)).toEqual(['C'])
    expect(log.list({ since: 3 }).map(r => r.operation)).toEqual(['D'])
    expect(log.list({ operation: 'B' })).toHaveLength(1)
    log.clear()
    expect(log.list()).toEqual([])
    expect(log.record({ ...base, service: 'ecs', operation: 'E', mutating: false }).seq).toBe(5)
  })
})
