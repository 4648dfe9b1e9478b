import {
  ApplyError,
  DEFAULT_CONFIG_PATH,
  applyPlan,
  planEnvironments,
  planHasChanges,
  readConfigFile,
  type LoadedConfig
} from '@fargate-promote/promotion'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { reportFailure } from '../failures.js'
import { githubClient, repositoryOf } from '../github.js'
import type { CliIo } from '../io.js'
import { jsonLine, printable } from '../text.js'
import { createUi, type Ui } from '../ui.js'
import { planJson, planSummary, planTable, type ApplyMode } from './plan-view.js'

export interface ApplyOptions {
  repo?: string
  config?: string
  color?: boolean
  json?: boolean
  dryRun?: boolean
  check?: boolean
}

async function readConfig(path: string, io: CliIo): Promise<LoadedConfig> {
  const loaded = await readConfigFile({ path, roots: { workspace: io.cwd }, input: '--config' })
  // Defined: readConfigFile skips only a missing default path, and a path is always given here.
  return loaded as LoadedConfig
}

/** An apply that stopped half-way says what it had already done. */
function reportApplyFailure(error: unknown, ui: Ui): ExitCode {
  if (error instanceof ApplyError && error.applied.length > 0) {
    ui.note(`Applied before the failure: ${error.applied.map(printable).join(', ')}.`)
  }
  return reportFailure(error, ui)
}

/**
 * `environments apply`: config first (invalid → exit 3, GitHub untouched), then the plan, shown,
 * then applied unless --dry-run or --check. --check exits 4 when anything would change.
 */
export async function environmentsApply(options: ApplyOptions, io: CliIo): Promise<ExitCode> {
  const ui = createUi(options, io)
  const mode: ApplyMode = options.check ? 'check' : options.dryRun ? 'dry-run' : 'apply'
  const configPath = options.config ?? DEFAULT_CONFIG_PATH
  let applied: string[] = []
  try {
    const config = await readConfig(configPath, io)
    const repo = repositoryOf(options.repo, io.env)
    const github = await githubClient(io.env, line => ui.note(printable(line)))
    const plan = await ui.step(`Reading the environments of ${repo.owner}/${repo.repo}`, () =>
      planEnvironments({ config, repo, github })
    )
    if (!ui.json) ui.print(planTable(plan, ui.out))
    if (mode === 'apply' && planHasChanges(plan)) {
      applied = await ui.step('Applying the changes', () => applyPlan(plan, github))
    }
    if (ui.json) ui.print(jsonLine(planJson(plan, mode, applied, config.path)))
    else for (const line of planSummary(plan, mode, applied, config.path)) ui.print(line)
    return mode === 'check' && planHasChanges(plan) ? EXIT.drift : EXIT.ok
  } catch (error) {
    return reportApplyFailure(error, ui)
  }
}
