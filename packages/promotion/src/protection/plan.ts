import type { LoadedConfig } from '../config/load.js'
import type { GitHubClient, RepositoryRef } from '../github/client.js'
import { listEnvironmentNames, readEnvironment } from './current.js'
import { desiredState, monitorEnvironmentName, monitorState } from './desired.js'
import { diffEnvironment } from './diff.js'
import { resolveReviewers } from './reviewers.js'
import type { ProtectionPlan } from './types.js'

export interface PlanEnvironmentsOptions {
  config: LoadedConfig
  repo: RepositoryRef
  github: GitHubClient
}

/**
 * The difference between the config's environment protection and the repository's: reads only,
 * so a dry run, a drift check and an apply all start here. Reviewers GitHub does not know fail
 * the plan (a SettingsFileError naming file, line and field) before anything could be applied.
 */
export async function planEnvironments(options: PlanEnvironmentsOptions): Promise<ProtectionPlan> {
  const { config, repo, github } = options
  const [resolved, existing] = await Promise.all([
    resolveReviewers(config, github),
    listEnvironmentNames(github, repo)
  ])
  const entries = Object.entries(config.config.environments).flatMap(([name, settings]) => {
    const desired = desiredState(settings.protection, resolved)
    return [
      [name, desired],
      [monitorEnvironmentName(name), monitorState(desired)]
    ] as const
  })
  const environments = await Promise.all(
    entries.map(async ([name, desired]) =>
      diffEnvironment(name, desired, await readEnvironment(github, repo, name))
    )
  )
  // GitHub environment names are case-insensitive: `Production` is the config's `production`.
  const managed = new Set(entries.map(([name]) => name.toLowerCase()))
  const unmanaged = existing.filter(name => !managed.has(name.toLowerCase()))
  return { repo, environments, unmanaged }
}
