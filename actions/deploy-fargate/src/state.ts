import type { DeployCheckpoint } from '@fargate-promote/promotion'
import { getState, saveState } from '@fargate-promote/runner'

/** Names of the values main saves for the post step (GITHUB_STATE → STATE_<name>). */
export enum StateKey {
  Phase = 'phase',
  Cluster = 'cluster',
  Deployments = 'deployments',
  PollIntervalMs = 'poll-interval-ms',
  OnFailure = 'on-failure'
}

/** The deploy's checkpoint, kept for the post step of a cancelled run. */
export function saveCheckpoint(checkpoint: DeployCheckpoint): void {
  saveState(StateKey.Phase, checkpoint.phase)
  saveState(StateKey.Cluster, checkpoint.cluster)
  saveState(StateKey.Deployments, JSON.stringify(checkpoint.deployments))
  saveState(StateKey.PollIntervalMs, String(checkpoint.pollIntervalMs))
  saveState(StateKey.OnFailure, checkpoint.onFailure)
}

/** What main saved; undefined when it never started a deployment. */
export function loadCheckpoint(): DeployCheckpoint | undefined {
  const phase = getState(StateKey.Phase)
  if (phase !== 'deploying' && phase !== 'finished') return undefined
  const pollIntervalMs = Number(getState(StateKey.PollIntervalMs))
  return {
    phase,
    cluster: getState(StateKey.Cluster) ?? '',
    deployments: JSON.parse(
      getState(StateKey.Deployments) ?? '[]'
    ) as DeployCheckpoint['deployments'],
    pollIntervalMs: Number.isFinite(pollIntervalMs) && pollIntervalMs > 0 ? pollIntervalMs : 5000,
    onFailure: getState(StateKey.OnFailure) === 'none' ? 'none' : 'rollback'
  }
}
