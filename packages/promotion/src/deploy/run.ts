import {
  deploy,
  type DeployDeps,
  type DeploymentStartedInfo,
  type DeployResult
} from '@fargate-promote/ecs'
import type { ProxySettings } from '@fargate-promote/common'
import type { GitHubClient } from '../github/client.js'
import { DeploymentRecorder, type FinalRecord } from '../github/recorder.js'
import type { DeployCheckpoint } from './checkpoint.js'
import type { DeployInputs } from './inputs.js'
import { resumeAndRecord } from './resume.js'
import { testTrafficCheck } from './test-traffic.js'

export interface DeployAndRecordDeps extends Omit<DeployDeps, 'onDeploymentStarted'> {
  /** Needed to record the deployment (inputs.record); loaded on first use. */
  github?: () => Promise<GitHubClient>
  /** Told what a cancelled run must undo, whenever that changes. */
  checkpoint?: (checkpoint: DeployCheckpoint) => void
  /** The proxies blue/green's test-traffic checks go through. */
  proxy?: ProxySettings
}

/** Everything a front end reports: outputs, summary, annotations. */
export interface DeployOutcome {
  result: DeployResult
  /** The GitHub deployment recorded, when one was. */
  githubDeploymentId?: number
  /** The run was cancelled (before any UpdateService when result.services have no deploymentId). */
  cancelled: boolean
  /** Why the step fails, in one sentence; absent when it passes. */
  failure?: string
}

const PASSING: DeployResult['status'][] = ['succeeded', 'dry-run', 'started', 'paused']

/** A release through the emergency path says so first, in every description of its record. */
function emergencyPrefix(inputs: DeployInputs): string {
  return inputs.emergency === undefined ? '' : `EMERGENCY (${inputs.emergency.reason}): `
}

/** The GitHub state a deploy ends with; none for `started` (wait: false observed nothing). */
function finalRecord(inputs: DeployInputs, result: DeployResult): FinalRecord {
  if (result.status === 'started') return { state: undefined, description: '' }
  if (result.status === 'paused') {
    const at = result.services.find(s => s.progressive?.pausedAt)?.progressive?.pausedAt
    return {
      state: 'in_progress',
      description: `Paused at ${at ?? 'a PAUSE hook'}: continue or abort with resume`
    }
  }
  if (result.status === 'succeeded') {
    return { state: 'success', description: `${emergencyPrefix(inputs)}Deployed ${inputs.version}` }
  }
  return {
    state: 'failure',
    description: `${emergencyPrefix(inputs)}${result.status}: ${result.failureReason ?? 'see the run'}`
  }
}

function recorderOf(
  inputs: DeployInputs,
  deps: DeployAndRecordDeps
): DeploymentRecorder | undefined {
  if (inputs.githubToken !== undefined && inputs.environmentName === undefined && !inputs.dryRun) {
    deps.log.warning(
      "No GitHub deployment is recorded: 'github-token' was given without 'environment'."
    )
  }
  const { github, log } = deps
  return inputs.record && github
    ? new DeploymentRecorder(inputs.record, { github, log })
    : undefined
}

/**
 * Deploy and account for it: the one deploy of packages/ecs (validated before the first
 * change, watched until observed, rolled back when it fails), a checkpoint for a cancelled run
 * to undo, and the GitHub deployment — in_progress when ECS accepted the update, then success
 * or failure as observed.
 */
export async function deployAndRecord(
  inputs: DeployInputs,
  deps: DeployAndRecordDeps
): Promise<DeployOutcome> {
  if (inputs.resume !== undefined) return resumeAndRecord(inputs, deps)
  const recorder = recorderOf(inputs, deps)
  const started: DeploymentStartedInfo[] = []
  const checkpoint = (phase: DeployCheckpoint['phase']) =>
    deps.checkpoint?.({
      phase,
      cluster: inputs.cluster,
      deployments: [...started],
      pollIntervalMs: inputs.pollIntervalMs,
      onFailure: inputs.onFailure
    })
  const onDeploymentStarted = (info: DeploymentStartedInfo) => {
    started.push(info)
    checkpoint('deploying')
    recorder?.start(
      `${emergencyPrefix(inputs)}Deploying ${inputs.version} to ${inputs.cluster}/${inputs.services.join(',')}`,
      () =>
        Promise.resolve({
          cluster: inputs.cluster,
          service: info.service,
          services: inputs.services,
          taskDefinitionArn: info.taskDefinitionArn,
          previousTaskDefinitionArn: info.previousTaskDefinitionArn,
          images: inputs.images,
          version: inputs.version,
          ...(inputs.emergency !== undefined && { emergency: inputs.emergency })
        })
    )
  }
  const { clock, log, proxy } = deps
  const testTraffic =
    inputs.testTraffic &&
    testTrafficCheck(inputs.testTraffic, { clock, log, ...(proxy && { proxy }) })
  const result = await deploy(inputs, {
    ...deps,
    onDeploymentStarted,
    ...(testTraffic && { testTraffic })
  })
  const cancelled = deps.signal?.aborted === true
  if (!cancelled) checkpoint('finished')
  const githubDeploymentId = await recorder?.finish(finalRecord(inputs, result))
  const failure = cancelled
    ? started.length === 0
      ? `the run was cancelled before any service was updated: nothing changed in ECS (${result.failureReason ?? 'no UpdateService was sent'}).`
      : 'the run was cancelled while the deployment was in progress; the post step rolls it back.'
    : PASSING.includes(result.status)
      ? undefined
      : `${result.status}: ${result.failureReason ?? 'see the job summary'}`
  return {
    result,
    cancelled,
    ...(githubDeploymentId !== undefined && { githubDeploymentId }),
    ...(failure !== undefined && { failure })
  }
}
