import { describe, expect, it } from '@jest/globals'
import {
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataResult
} from '@aws-sdk/client-cloudwatch'
import {
  loadBalancerDimension,
  revisionTraffic,
  targetGroupDimension,
  type MetricsReader
} from '../src/index.js'

const LB =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188'
const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-b/73e2d6bc24d8a067'
const MIN = 60_000
const T0 = Date.UTC(2026, 11, 7, 12, 0)

describe('dimensions', () => {
  it('turns ARNs into the AWS/ApplicationELB dimension values, and keeps dimension values', () => {
    expect(loadBalancerDimension(LB)).toBe('app/shop/50dc6c495c0c9188')
    expect(loadBalancerDimension('app/shop/50dc6c495c0c9188')).toBe('app/shop/50dc6c495c0c9188')
    expect(targetGroupDimension(TG)).toBe('targetgroup/shop-b/73e2d6bc24d8a067')
    expect(targetGroupDimension('targetgroup/shop-b/1')).toBe('targetgroup/shop-b/1')
  })

  it('refuses a network load balancer and anything that is not such an ARN', () => {
    expect(() => loadBalancerDimension(LB.replace('/app/', '/net/'))).toThrow(
      /is not an Application Load Balancer ARN .*only ALB target groups/
    )
    expect(() => targetGroupDimension('shop-b')).toThrow(
      "'shop-b' is not a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)."
    )
  })
})

/** A CloudWatch that answers GetMetricData with the given pages and keeps the requests. */
function cloudwatch(pages: Partial<GetMetricDataCommandOutput>[]) {
  const requests: GetMetricDataCommand[] = []
  const reader: MetricsReader = {
    send: (command: GetMetricDataCommand) => {
      requests.push(command)
      return Promise.resolve(pages.shift() ?? {})
    }
  }
  return { reader, requests }
}

const result = (Id: string, points: [number, number][]): MetricDataResult => ({
  Id,
  Timestamps: points.map(([at]) => new Date(at)),
  Values: points.map(([, value]) => value)
})

describe('revisionTraffic', () => {
  it('reads whole minutes in one request and adds them up', async () => {
    const { reader, requests } = cloudwatch([
      {
        MetricDataResults: [
          result('requests', [
            [T0, 100],
            [T0 + 2 * MIN, 50]
          ]),
          result('errors', [[T0 + 2 * MIN, 10]]),
          result('mean', [
            [T0, 0.002],
            [T0 + 2 * MIN, 0.402]
          ]),
          result('p99', [
            [T0, 0.003],
            [T0 + 2 * MIN, 0.41]
          ]),
          result('windowMean', [[T0, 0.135]]),
          result('windowP99', [[T0, 0.41]])
        ]
      }
    ])
    const traffic = await revisionTraffic(
      { loadBalancer: LB, targetGroup: TG, from: T0 - 5_000, to: T0 + 3 * MIN + 59_000 },
      { cloudwatch: reader }
    )
    expect(traffic.from).toBe(T0)
    expect(traffic.to).toBe(T0 + 3 * MIN)
    expect(traffic.minutes).toEqual([
      { minute: T0, requests: 100, errors: 0, errorRate: 0, meanLatencyMs: 2, p99LatencyMs: 3 },
      {
        minute: T0 + MIN,
        requests: 0,
        errors: 0,
        errorRate: 0,
        meanLatencyMs: undefined,
        p99LatencyMs: undefined
      },
      {
        minute: T0 + 2 * MIN,
        requests: 50,
        errors: 10,
        errorRate: 0.2,
        meanLatencyMs: 402,
        p99LatencyMs: 410
      }
    ])
    expect(traffic.total).toEqual({
      requests: 150,
      errors: 10,
      errorRate: 10 / 150,
      meanLatencyMs: 135,
      p99LatencyMs: 410
    })
    expect(requests).toHaveLength(1)
    const input = requests[0]!.input
    expect(input.StartTime).toEqual(new Date(T0))
    expect(input.EndTime).toEqual(new Date(T0 + 3 * MIN))
    expect(input.ScanBy).toBe('TimestampAscending')
    expect(
      input.MetricDataQueries?.map(q => [
        q.Id,
        q.MetricStat?.Metric?.MetricName,
        q.MetricStat?.Stat,
        q.MetricStat?.Period
      ])
    ).toEqual([
      ['requests', 'RequestCount', 'Sum', 60],
      ['errors', 'HTTPCode_Target_5XX_Count', 'Sum', 60],
      ['mean', 'TargetResponseTime', 'Average', 60],
      ['p99', 'TargetResponseTime', 'p99', 60],
      ['windowMean', 'TargetResponseTime', 'Average', 180],
      ['windowP99', 'TargetResponseTime', 'p99', 180]
    ])
    expect(input.MetricDataQueries?.[0]?.MetricStat?.Metric).toEqual({
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'RequestCount',
      Dimensions: [
        { Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' },
        { Name: 'TargetGroup', Value: 'targetgroup/shop-b/73e2d6bc24d8a067' }
      ]
    })
  })

  it('follows NextToken across pages and tolerates results without values', async () => {
    const { reader, requests } = cloudwatch([
      { MetricDataResults: [result('requests', [[T0, 40]]), { Id: 'errors' }], NextToken: 'more' },
      {
        MetricDataResults: [
          result('requests', [[T0 + MIN, 60]]),
          result('errors', [[T0 + MIN, 3]]),
          { Id: 'mean', Timestamps: [new Date(T0)] },
          {}
        ]
      }
    ])
    const traffic = await revisionTraffic(
      {
        loadBalancer: 'app/shop/1',
        targetGroup: 'targetgroup/shop-b/2',
        from: T0,
        to: T0 + 2 * MIN
      },
      { cloudwatch: reader }
    )
    expect(requests.map(r => r.input.NextToken)).toEqual([undefined, 'more'])
    expect(traffic.minutes.map(m => [m.requests, m.errors, m.meanLatencyMs])).toEqual([
      [40, 0, undefined],
      [60, 3, undefined]
    ])
    expect(traffic.total).toMatchObject({ requests: 100, errors: 3, errorRate: 0.03 })
    expect(traffic.total.p99LatencyMs).toBeUndefined()
  })

  it('reads an answer without results as no traffic', async () => {
    const { reader } = cloudwatch([{}])
    const traffic = await revisionTraffic(
      { loadBalancer: LB, targetGroup: TG, from: T0, to: T0 + MIN },
      { cloudwatch: reader }
    )
    expect(traffic.minutes.map(m => m.requests)).toEqual([0])
    expect(traffic.total.requests).toBe(0)
  })

  it('asks nothing for a window without a whole minute, yet checks the ARNs', async () => {
    const { reader, requests } = cloudwatch([])
    const traffic = await revisionTraffic(
      { loadBalancer: LB, targetGroup: TG, from: T0 + 1_000, to: T0 + MIN + 30_000 },
      { cloudwatch: reader }
    )
    expect(traffic).toEqual({
      from: T0 + MIN,
      to: T0 + MIN,
      minutes: [],
      total: {
        requests: 0,
        errors: 0,
        errorRate: 0,
        meanLatencyMs: undefined,
        p99LatencyMs: undefined
      }
    })
    expect(requests).toHaveLength(0)
    await expect(
      revisionTraffic(
        { loadBalancer: LB, targetGroup: 'tg', from: T0, to: T0 + MIN },
        { cloudwatch: reader }
      )
    ).rejects.toThrow(/'tg' is not a target group ARN/)
  })
})
