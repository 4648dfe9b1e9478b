import type { RequestContext } from '../contract.js'
import { elbArn, hexId, type LoadBalancerRecord } from './model.js'
import {
  objectList,
  optString,
  optStringList,
  reqString,
  validation,
  type Input
} from './params.js'
import type { ElbStore } from './store.js'
import { checkName } from './target-groups.js'
import { loadBalancerView } from './views.js'

export function createLoadBalancer(store: ElbStore, ctx: RequestContext, input: Input): unknown {
  const name = reqString(input, 'Name')
  checkName('Load balancer', name)
  if (name.startsWith('internal-')) {
    throw validation(`Load balancer name '${name}' cannot begin with 'internal-'`)
  }
  const type = optString(input, 'Type') ?? 'application'
  if (type !== 'application') {
    throw validation(`Load balancer type '${type}' is not supported by the simulator (application)`)
  }
  // CreateLoadBalancer is idempotent by name (API reference, CreateLoadBalancer).
  const existing = [...store.loadBalancers.values()].find(lb => lb.name === name)
  if (existing !== undefined) return { LoadBalancers: [loadBalancerView(existing)] }
  const scheme = optString(input, 'Scheme') ?? 'internet-facing'
  if (scheme !== 'internet-facing' && scheme !== 'internal') {
    throw validation(`Scheme '${scheme}' must be internet-facing or internal`)
  }
  const id = hexId(8)
  const subnets = [
    ...(optStringList(input, 'Subnets') ?? []),
    ...objectList(input, 'SubnetMappings').map(m => reqString(m, 'SubnetId'))
  ]
  const lb: LoadBalancerRecord = {
    arn: elbArn(ctx.region, `loadbalancer/app/${name}/${id}`),
    name,
    resourceId: `app/${name}/${id}`,
    region: ctx.region,
    dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${parseInt(id.slice(0, 8), 16)}.${ctx.region}.elb.amazonaws.com`,
    createdTime: new Date(store.clock.now()),
    scheme,
    vpcId: 'vpc-0sim0000000000001',
    securityGroups: optStringList(input, 'SecurityGroups') ?? [],
    subnets,
    ipAddressType: optString(input, 'IpAddressType') ?? 'ipv4'
  }
  store.loadBalancers.set(lb.arn, lb)
  return { LoadBalancers: [loadBalancerView(lb)] }
}
