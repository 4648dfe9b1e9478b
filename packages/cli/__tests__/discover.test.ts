import { describe, expect, it } from '@jest/globals'
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import { containersOf, ecsClient, nameOfArn } from '../src/init/discover.js'

describe('containersOf', () => {
  it('picks the container named like the service, else the first; 10 services per DescribeServices', async () => {
    const ecs = mockClient(ECSClient)
    const services = Array.from({ length: 12 }, (_, i) => `svc-${i}`)
    ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services
        .filter(name => name !== 'svc-11')
        .map(name => ({
          serviceName: name,
          taskDefinition: name === 'svc-10' ? undefined : `td-${name}`
        }))
    }))
    ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
      taskDefinition: {
        containerDefinitions:
          input.taskDefinition === 'td-svc-0'
            ? [{ name: 'envoy' }, { name: 'svc-0' }]
            : input.taskDefinition === 'td-svc-1'
              ? [{}]
              : [{ name: 'app' }, { name: 'xray' }]
      }
    }))
    const client = new ECSClient({ region: 'eu-west-1' })
    const found = await containersOf(client, 'shop', services)
    expect(
      ecs.commandCalls(DescribeServicesCommand).map(call => call.args[0].input.services?.length)
    ).toEqual([10, 2])
    expect(found.get('svc-0')).toEqual(['svc-0'])
    // No container name at all, no task definition, not described: the service's own name.
    expect(found.get('svc-1')).toEqual(['svc-1'])
    expect(found.get('svc-10')).toEqual(['svc-10'])
    expect(found.get('svc-11')).toEqual(['svc-11'])
    expect(found.get('svc-2')).toEqual(['app'])
    ecs.restore()
  })
})

describe('ecsClient', () => {
  it('takes region, endpoint, keys and profile from the run’s environment', async () => {
    const withKeys = await ecsClient('eu-west-1', {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      AWS_SESSION_TOKEN: 'c'
    })
    expect(await withKeys.config.region()).toBe('eu-west-1')
    expect(await withKeys.config.credentials()).toMatchObject({
      accessKeyId: 'a',
      secretAccessKey: 'b',
      sessionToken: 'c'
    })
    const endpoint = await withKeys.config.endpoint?.()
    expect(endpoint?.hostname).toBe('127.0.0.1')
    withKeys.destroy()

    const withProfile = await ecsClient('us-east-1', { AWS_PROFILE: 'deploy' })
    expect(withProfile.config.profile).toBe('deploy')
    withProfile.destroy()
  })

  it('names a cluster or service by the last part of its ARN', () => {
    expect(nameOfArn('arn:aws:ecs:eu-west-1:1:cluster/shop-dev')).toBe('shop-dev')
    expect(nameOfArn('arn:aws:ecs:eu-west-1:1:service/shop-dev/web')).toBe('web')
  })
})
