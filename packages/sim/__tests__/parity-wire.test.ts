import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SendMessageCommand,
  SQSClient
} from '@aws-sdk/client-sqs'
import { Octokit } from '@octokit/rest'
import { createHash } from 'node:crypto'
import { startSim, type Sim } from '../src/index.js'

/** CloudWatch (JSON 1.0, query-compatible), SQS and GitHub REST through their real clients. */

const credentials = { accessKeyId: 'AKIDPARITY', secretAccessKey: 'parity-secret' }
const repo = { owner: 'acme', repo: 'shop' }

describe('CloudWatch, SQS and GitHub over the wire', () => {
  let sim: Sim
  let cloudwatch: CloudWatchClient
  let octokit: Octokit
  beforeAll(async () => {
    sim = await startSim({ timeScale: 50 })
    cloudwatch = new CloudWatchClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1
    })
    const quiet = () => undefined
    octokit = new Octokit({
      baseUrl: `${sim.url}/github`,
      auth: 'ghs_parity',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet }
    })
  })
  afterAll(async () => {
    cloudwatch.destroy()
    await sim.stop()
  })

  it('CloudWatch: PutMetricAlarm, DescribeAlarms (names, prefix, state), SetAlarmState', async () => {
    for (const name of ['web-5xx', 'web-latency', 'worker-dlq']) {
      const put = await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          MetricName: 'HTTPCode_Target_5XX_Count',
          Namespace: 'AWS/ApplicationELB',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 2,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' }]
        })
      )
      expect(put.$metadata.httpStatusCode).toBe(200)
    }
    const byPrefix = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'web-' }))
    expect(byPrefix.MetricAlarms?.map(a => a.AlarmName)).toEqual(['web-5xx', 'web-latency'])
    const alarm = byPrefix.MetricAlarms![0]!
    expect(alarm.AlarmArn).toBe('arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-5xx')
    expect(alarm.Threshold).toBe(5)
    expect(alarm.EvaluationPeriods).toBe(2)
    expect(alarm.Dimensions).toEqual([{ Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' }])
    expect(alarm.StateUpdatedTimestamp).toBeInstanceOf(Date)

    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'drill' })
    )
    const firing = await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }))
    expect(firing.MetricAlarms?.map(a => [a.AlarmName, a.StateValue, a.StateReason])).toEqual([
      ['web-5xx', 'ALARM', 'drill']
    ])
    const byName = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: ['worker-dlq', 'nope'] })
    )
    expect(byName.MetricAlarms?.map(a => a.AlarmName)).toEqual(['worker-dlq'])

    const missing = await cloudwatch
      .send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' }))
      .catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ResourceNotFound)
  })

  it('SQS with only `endpoint` set: CreateQueue, GetQueueUrl, GetQueueAttributes, SendMessage', async () => {
    const sqs = new SQSClient({ endpoint: sim.url, region: 'us-east-1', credentials })
    try {
      const created = await sqs.send(
        new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '45' } })
      )
      expect(created.QueueUrl).toBe(`${sim.url}/123456789012/orders`)
      const url = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))
      expect(url.QueueUrl).toBe(created.QueueUrl)

      const body = JSON.stringify({ order: 42 })
      // The SDK checks MD5OfMessageBody itself and would throw on a mismatch.
      const sent = await sqs.send(
        new SendMessageCommand({ QueueUrl: url.QueueUrl, MessageBody: body })
      )
      expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body).digest('hex'))
      expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/)

      const attributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url.QueueUrl, AttributeNames: ['All'] })
      )
      expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe('1')
      expect(attributes.Attributes?.VisibilityTimeout).toBe('45')
      expect(attributes.Attributes?.QueueArn).toBe('arn:aws:sqs:us-east-1:123456789012:orders')

      const missing = await sqs
        .send(new GetQueueUrlCommand({ QueueName: 'does-not-exist' }))
        .catch((e: unknown) => e)
      expect(missing).toBeInstanceOf(QueueDoesNotExist)
    } finally {
      sqs.destroy()
    }
  })

  it('SQS finds the sim through AWS_ENDPOINT_URL_SQS alone (restored afterwards)', async () => {
    // Jest gives each test file its own copy of process.env; it is restored here anyway.
    const saved = process.env.AWS_ENDPOINT_URL_SQS
    process.env.AWS_ENDPOINT_URL_SQS = sim.url
    const sqs = new SQSClient({ region: 'us-east-1', credentials })
    try {
      const url = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))
      expect(url.QueueUrl).toBe(`${sim.url}/123456789012/orders`)
    } finally {
      sqs.destroy()
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SQS
      else process.env.AWS_ENDPOINT_URL_SQS = saved
    }
  })

  it('GitHub deployments and statuses: create, get, list and paginate', async () => {
    const ids: number[] = []
    for (let i = 0; i < 23; i++) {
      const created = await octokit.rest.repos.createDeployment({
        ...repo,
        ref: 'main',
        environment: i % 2 === 0 ? 'staging' : 'production',
        auto_merge: false,
        required_contexts: [],
        payload: { n: i }
      })
      expect(created.status).toBe(201)
      if (!('id' in created.data)) throw new Error('expected a deployment')
      ids.push(created.data.id)
    }
    const one = await octokit.rest.repos.getDeployment({ ...repo, deployment_id: ids[0]! })
    expect(one.data.environment).toBe('staging')
    expect(one.data.payload).toEqual({ n: 0 })
    expect(one.data.sha).toMatch(/^[0-9a-f]{40}$/)

    const all = await octokit.paginate(octokit.rest.repos.listDeployments, {
      ...repo,
      per_page: 5
    })
    expect(all).toHaveLength(23)
    expect(new Set(all.map(d => d.id)).size).toBe(23)
    // The next links keep the environment filter.
    const staging = await octokit.paginate(octokit.rest.repos.listDeployments, {
      ...repo,
      environment: 'staging',
      per_page: 5
    })
    expect(staging).toHaveLength(12)
    expect(staging.every(d => d.environment === 'staging')).toBe(true)

    const target = ids[ids.length - 1]!
    for (const state of ['queued', 'in_progress', 'success'] as const) {
      const status = await octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: target,
        state,
        environment_url: 'https://shop.example.com',
        log_url: 'https://github.com/acme/shop/actions/runs/1'
      })
      expect(status.status).toBe(201)
      expect(status.data.state).toBe(state)
    }
    const statuses = await octokit.paginate(octokit.rest.repos.listDeploymentStatuses, {
      ...repo,
      deployment_id: target,
      per_page: 2
    })
    expect(statuses.map(s => s.state)).toEqual(['success', 'in_progress', 'queued'])
    const status = await octokit.rest.repos.getDeploymentStatus({
      ...repo,
      deployment_id: target,
      status_id: statuses[0]!.id
    })
    expect(status.data.environment_url).toBe('https://shop.example.com')

    const missing = await octokit.rest.repos
      .getDeployment({ ...repo, deployment_id: 999_999_999 })
      .catch((e: unknown) => e)
    expect((missing as { status: number }).status).toBe(404)
  })

  it('GitHub check runs: create, then update with annotations', async () => {
    const created = await octokit.rest.checks.create({
      ...repo,
      name: 'fargate-promote / verify',
      head_sha: 'a'.repeat(40),
      status: 'in_progress'
    })
    expect(created.status).toBe(201)
    expect(created.data.status).toBe('in_progress')
    const updated = await octokit.rest.checks.update({
      ...repo,
      check_run_id: created.data.id,
      status: 'completed',
      conclusion: 'failure',
      output: {
        title: 'Smoke test failed',
        summary: '2 of 3 checks failed',
        annotations: [
          {
            path: 'deploy/web.json',
            start_line: 3,
            end_line: 3,
            annotation_level: 'failure',
            message: 'GET /health answered 503'
          },
          {
            path: 'deploy/web.json',
            start_line: 7,
            end_line: 7,
            annotation_level: 'warning',
            message: 'p99 latency 812 ms'
          }
        ]
      }
    })
    expect(updated.data.conclusion).toBe('failure')
    expect(updated.data.completed_at).toEqual(expect.any(String))
    expect(updated.data.output.annotations_count).toBe(2)
    const annotations = await octokit.rest.checks.listAnnotations({
      ...repo,
      check_run_id: created.data.id
    })
    expect(annotations.data.map(a => [a.annotation_level, a.message])).toEqual([
      ['failure', 'GET /health answered 503'],
      ['warning', 'p99 latency 812 ms']
    ])
  })

  it('GitHub environments: wait timer, reviewers and a custom branch policy', async () => {
    const user = await octokit.rest.users.getByUsername({ username: 'octocat' })
    const put = await octokit.rest.repos.createOrUpdateEnvironment({
      ...repo,
      environment_name: 'production',
      wait_timer: 15,
      reviewers: [{ type: 'User', id: user.data.id }],
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true }
    })
    expect(put.status).toBe(200)
    const policy = await octokit.rest.repos.createDeploymentBranchPolicy({
      ...repo,
      environment_name: 'production',
      name: 'release/*'
    })
    expect(policy.data.name).toBe('release/*')

    const env = await octokit.rest.repos.getEnvironment({ ...repo, environment_name: 'production' })
    expect(env.data.name).toBe('production')
    expect(env.data.deployment_branch_policy).toEqual({
      protected_branches: false,
      custom_branch_policies: true
    })
    const rules = env.data.protection_rules ?? []
    const waitTimer = rules.find(r => r.type === 'wait_timer') as { wait_timer?: number }
    expect(waitTimer.wait_timer).toBe(15)
    const reviewers = rules.find(r => r.type === 'required_reviewers') as {
      reviewers?: { type: string; reviewer: { login?: string } }[]
    }
    expect(reviewers.reviewers?.[0]?.type).toBe('User')
    expect(reviewers.reviewers?.[0]?.reviewer.login).toBe('octocat')

    // Update: only the wait timer changes; reviewers stay.
    await octokit.rest.repos.createOrUpdateEnvironment({
      ...repo,
      environment_name: 'production',
      wait_timer: 0
    })
    const after = await octokit.rest.repos.getEnvironment({
      ...repo,
      environment_name: 'production'
    })
    expect((after.data.protection_rules ?? []).some(r => r.type === 'required_reviewers')).toBe(
      true
    )
    const policies = await octokit.rest.repos.listDeploymentBranchPolicies({
      ...repo,
      environment_name: 'production'
    })
    expect(policies.data.branch_policies.map(p => p.name)).toEqual(['release/*'])

    const missing = await octokit.rest.repos
      .getEnvironment({ ...repo, environment_name: 'nowhere' })
      .catch((e: unknown) => e)
    expect((missing as { status: number }).status).toBe(404)
  })

  it('GitHub commits and refs resolve to the same sha', async () => {
    const commit = await octokit.rest.repos.getCommit({ ...repo, ref: 'main' })
    expect(commit.data.sha).toMatch(/^[0-9a-f]{40}$/)
    const ref = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })
    expect(ref.data.ref).toBe('refs/heads/main')
    expect(ref.data.object.sha).toBe(commit.data.sha)
    expect(ref.data.object.type).toBe('commit')
    const again = await octokit.rest.repos.getCommit({ ...repo, ref: commit.data.sha })
    expect(again.data.sha).toBe(commit.data.sha)
  })
})
