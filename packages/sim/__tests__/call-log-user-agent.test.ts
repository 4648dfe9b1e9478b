import { afterEach, beforeEach, expect, it } from '@jest/globals'
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs'
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { startSim, type Sim } from '../src/server.js'
import { credentials, fakeFactories } from './server-fakes.js'

let sim: Sim

beforeEach(async () => {
  sim = await startSim({ factories: fakeFactories().factories, log: () => undefined })
})

afterEach(async () => {
  await sim.stop()
})

it('logs the User-Agent of every AWS call, JSON and query protocol alike', async () => {
  const config = { endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 }
  const customUserAgent = [['tester', '9.9.9']] as [string, string][]
  await new ECSClient({ ...config, customUserAgent }).send(new ListClustersCommand({}))
  await new ElasticLoadBalancingV2Client({ ...config, customUserAgent })
    .send(new DescribeLoadBalancersCommand({}))
    .catch(() => undefined)
  await fetch(sim.url + '/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters'
    },
    body: '{}'
  })
  const agents = sim.calls().map(call => [call.service, call.userAgent])
  expect(agents).toEqual([
    ['ecs', expect.stringMatching(/^aws-sdk-js\/\S+ .* tester\/9\.9\.9$/)],
    ['elbv2', expect.stringMatching(/ tester\/9\.9\.9$/)],
    ['ecs', 'node']
  ])
})
