import { describe, expect, it, beforeEach } from '@jest/globals'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import {
  chunk,
  describeServices,
  findDeployment,
  findService,
  serviceNameOf
} from '../src/observe/services.js'
import { CLUSTER, deployment, NEW, OLD, oldActive, service } from './watch-fixtures.js'

const ecsMock = mockClient(ECSClient)
const ecs = new ECSClient({ region: 'eu-west-1' })
const arnOf = (name: string) => `arn:aws:ecs:eu-west-1:123456789012:service/${CLUSTER}/${name}`

beforeEach(() => {
  ecsMock.reset()
})

describe('describeServices', () => {
  it('asks for at most 10 services per call and reports MISSING ones by the name asked for', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `svc-${i}`)
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services
        .filter(name => name !== 'svc-3')
        .map(name => service({ serviceName: name, deployments: [] })),
      failures: input.services.includes('svc-3') ? [{ arn: arnOf('svc-3'), reason: 'MISSING' }] : []
    }))
    const calls: string[] = []
    const result = await describeServices({ ecs, onAwsCall: op => calls.push(op) }, CLUSTER, names)
    expect(ecsMock.commandCalls(DescribeServicesCommand).map(call => call.args[0].input)).toEqual([
      { cluster: CLUSTER, services: names.slice(0, 10) },
      { cluster: CLUSTER, services: names.slice(10) }
    ])
    expect(result.services.map(s => s.serviceName)).toEqual(names.filter(n => n !== 'svc-3'))
    expect(result.missing).toEqual(['svc-3'])
    expect(calls).toEqual(['DescribeServices', 'DescribeServices'])
  })

  it('keeps an ARN that was asked for as the missing name', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolves({ failures: [{ arn: arnOf('api'), reason: 'MISSING' }] })
    const result = await describeServices({ ecs }, CLUSTER, [arnOf('api')])
    expect(result).toEqual({ services: [], missing: [arnOf('api')] })
  })

  it('fails on any other failure reason, naming the service and the reason', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({
      failures: [{ arn: arnOf('api'), reason: 'ACCESS_DENIED', detail: 'no ecs:DescribeServices' }]
    })
    await expect(describeServices({ ecs }, CLUSTER, ['api'])).rejects.toThrow(
      "DescribeServices could not describe service 'api' in cluster 'prod': ACCESS_DENIED (no ecs:DescribeServices)"
    )
  })

  it('copes with failures that carry neither ARN, reason nor detail', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ failures: [{}] })
    await expect(describeServices({ ecs }, CLUSTER, ['api'])).rejects.toThrow(
      "DescribeServices could not describe service '' in cluster 'prod': unknown reason"
    )
    ecsMock
      .on(DescribeServicesCommand)
      .resolves({ failures: [{ arn: arnOf('other'), reason: 'MISSING' }] })
    expect(await describeServices({ ecs }, CLUSTER, ['api'])).toEqual({
      services: [],
      missing: ['other']
    })
  })

  it('makes no call for no names', async () => {
    expect(await describeServices({ ecs }, CLUSTER, [])).toEqual({ services: [], missing: [] })
    expect(ecsMock).not.toHaveReceivedAnyCommand()
  })
})

describe('service helpers', () => {
  it('findDeployment finds our deployment by id only', () => {
    const svc = service({ deployments: [deployment({ id: NEW }), oldActive()] })
    expect(findDeployment(svc, NEW)?.id).toBe(NEW)
    expect(findDeployment(svc, OLD)?.status).toBe('ACTIVE')
    expect(findDeployment(svc, 'ecs-svc/0')).toBeUndefined()
    expect(findDeployment(service({ deployments: [] }), NEW)).toBeUndefined()
  })

  it('findService matches a name or an ARN', () => {
    const svc = service({ deployments: [] })
    expect(findService([svc], 'web')).toBe(svc)
    expect(findService([svc], arnOf('web'))).toBe(svc)
    expect(findService([svc], 'api')).toBeUndefined()
  })

  it.each([
    ['arn:aws:ecs:eu-west-1:1:service/prod/web', 'web'],
    ['arn:aws:ecs:eu-west-1:1:service/web', 'web'],
    ['web', 'web']
  ])('serviceNameOf(%p) = %p', (arn, name) => {
    expect(serviceNameOf(arn)).toBe(name)
  })

  it('chunk splits into batches of the given size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunk([], 10)).toEqual([])
  })
})
