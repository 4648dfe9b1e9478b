import type { ECSClient } from '@aws-sdk/client-ecs'
import type { ElbClient } from '@fargate-promote/ecs'
import type { CloudWatchReader, SqsReader } from './aws-clients.js'
import type { CheckState } from './check-state.js'
import type { CommandRunner } from './command-runner.js'
import { sampleLoad } from './load.js'
import { probeAlarms } from './probes/alarm.js'
import { commandTarget, probeCommand } from './probes/command.js'
import { probeEcsService } from './probes/ecs-service.js'
import { httpTarget, probeHttp, type HttpAgents } from './probes/http.js'
import { probeSqsQueue } from './probes/sqs.js'
import { probeTargetGroup } from './probes/target-group.js'
import type { RunHealthChecksDeps, RunHealthChecksOptions } from './run-types.js'
import type { CheckSpec, Sample } from './types.js'

/**
 * What a check looks at: `GET https://…`, `cluster/service`, a target group, alarms, a queue,
 * the command's first line.
 */
export function checkTarget(spec: CheckSpec): string {
  switch (spec.type) {
    case 'http':
      return httpTarget(spec)
    case 'ecs-service':
      return `${spec.cluster}/${spec.service}`
    case 'target-group':
      return spec.targetGroup
    case 'cloudwatch-alarm':
      return spec.alarms !== undefined ? spec.alarms.join(', ') : `${spec.prefix ?? ''}*`
    case 'sqs-queue':
      return spec.queue
    case 'command':
      return commandTarget(spec)
  }
}

/** One round of one check: one probe, or a batch of HTTP requests under load. */
export function probeRound(
  state: CheckState,
  options: RunHealthChecksOptions,
  deps: RunHealthChecksDeps,
  since: number
): Promise<Sample[]> {
  const { spec } = state
  const { clock } = deps
  // requireClients has checked that the client each type needs is present.
  switch (spec.type) {
    case 'http': {
      const httpDeps = { clock, agents: state.agents as HttpAgents, signal: deps.signal }
      if (options.load) return sampleLoad(spec, options.load, httpDeps)
      return probeHttp(spec, httpDeps).then(sample => [sample])
    }
    case 'ecs-service': {
      const ecs = deps.ecs as ECSClient
      const elb = deps.elb as ElbClient
      return probeEcsService(spec, { ecs, elb, clock, since }).then(s => [s])
    }
    case 'target-group':
      return probeTargetGroup(spec, { elb: deps.elb as ElbClient, clock }).then(s => [s])
    case 'cloudwatch-alarm':
      return probeAlarms(spec, { cloudwatch: deps.cloudwatch as CloudWatchReader, clock }).then(
        s => [s]
      )
    case 'sqs-queue': {
      const sqsDeps = { sqs: deps.sqs as SqsReader, clock, cloudwatch: deps.cloudwatch }
      return probeSqsQueue(spec, sqsDeps).then(s => [s])
    }
    case 'command': {
      const runner = deps.commands as CommandRunner
      const { log, signal } = deps
      const commandDeps = { runner, clock, log, signal, target: options.target }
      return probeCommand(spec, commandDeps).then(s => [s])
    }
  }
}
