/**
 * Everything a run leaves that a person or a later step can read, gathered as named texts for
 * the canary search: a step's log as the runner shows it, its stderr, outputs, state, summary,
 * every file it wrote to the runner's temp directory, and what the sims recorded in GitHub.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Sim } from '@fargate-promote/sim'
import type { ActionRun } from '../../e2e/run-action.js'
import { asTheRunnerShows } from './canaries.js'

/** Every file under `dir`, by path, read as text; then the directory is emptied. */
export function takeFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name)
      if (statSync(full).isDirectory()) walk(full)
      else files[`file ${full}`] = readFileSync(full, 'utf8')
      if (path === dir) rmSync(full, { recursive: true, force: true })
    }
  }
  walk(dir)
  return files
}

/**
 * What outlives the run in the sims: the GitHub records (deployments and their statuses, check
 * runs) and the ECS state (services, deployments, their events and reasons).
 */
export function simRecords(sim: Sim): Record<string, string> {
  const dump = sim.world.dump()
  return {
    'GitHub records': JSON.stringify(dump.github),
    'ECS state': JSON.stringify(dump.ecs)
  }
}

/** A step's texts: the log as the runner shows it (masks applied), the rest as written. */
export function stepTexts(label: string, run: ActionRun): Record<string, string> {
  return {
    [`${label} log`]: asTheRunnerShows(run.stdout),
    [`${label} stderr`]: run.stderr,
    [`${label} GITHUB_OUTPUT`]: JSON.stringify(run.outputs),
    [`${label} GITHUB_STATE`]: JSON.stringify(run.state),
    [`${label} GITHUB_STEP_SUMMARY`]: run.summary
  }
}
