import type { EnvironmentPlan, ProtectionPlan, SettingChange } from '@fargate-promote/promotion'
import { printable } from '../text.js'
import { table, type Colors } from '../ui.js'

/*
 * How a protection plan reads on a terminal: one row per change, the environment and action on
 * its first row, `-` for an empty cell so columns stay countable for awk.
 */

const BRANCH_MODES: Record<string, string> = {
  all: 'all branches',
  protected: 'protected branches',
  custom: 'listed patterns'
}

function valueText(change: SettingChange, value: SettingChange['from']): string {
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(', ')
  if (change.setting === 'branch-policy') return BRANCH_MODES[String(value)] ?? String(value)
  return String(value)
}

function actionText(action: EnvironmentPlan['action'], c: Colors): string {
  if (action === 'create') return c.green(action)
  return action === 'update' ? c.yellow(action) : c.dim(action)
}

function rowsOf(environment: EnvironmentPlan, c: Colors): string[][] {
  const rows: string[][] = [
    ...environment.changes.map(change => [
      change.setting,
      printable(valueText(change, change.from)),
      printable(valueText(change, change.to))
    ]),
    ...environment.removePatterns.map(p => [`${p.type} pattern`, printable(p.name), '-']),
    ...environment.addPatterns.map(p => [`${p.type} pattern`, '-', printable(p.name)])
  ]
  if (rows.length === 0) rows.push(['-', '-', '-'])
  return rows.map((row, index) =>
    index === 0
      ? [printable(environment.name), actionText(environment.action, c), ...row]
      : ['', '', ...row]
  )
}

/** The plan as a borderless table. */
export function planTable(plan: ProtectionPlan, c: Colors): string {
  const rows = plan.environments.flatMap(environment => rowsOf(environment, c))
  return table(['ENVIRONMENT', 'ACTION', 'SETTING', 'CURRENT', 'DESIRED'], rows, c)
}

export type ApplyMode = 'apply' | 'dry-run' | 'check'

/** The sentence under the table: what happened, or what would. */
export function planSummary(
  plan: ProtectionPlan,
  mode: ApplyMode,
  applied: readonly string[],
  configPath: string
): string[] {
  const lines: string[] = []
  const repository = `${plan.repo.owner}/${plan.repo.repo}`
  const changing = plan.environments.filter(e => e.action !== 'none').map(e => printable(e.name))
  const count = (n: number) => `${n} environment${n === 1 ? '' : 's'}`
  if (changing.length === 0) {
    lines.push(`No changes: the environments of ${repository} match ${printable(configPath)}.`)
  } else if (mode === 'check') {
    lines.push(
      `Drift: ${count(changing.length)} of ${repository} differ from ${printable(configPath)} (${changing.join(', ')}). Run 'fargate-promote environments apply' to apply it.`
    )
  } else if (mode === 'dry-run') {
    lines.push(`Dry run: ${count(changing.length)} would change; nothing was applied.`)
  } else {
    lines.push(
      `Applied ${count(applied.length)} of ${repository}: ${applied.map(printable).join(', ')}.`
    )
  }
  if (plan.unmanaged.length > 0) {
    lines.push(
      `Not in ${printable(configPath)}, left as they are: ${plan.unmanaged.map(printable).join(', ')}.`
    )
  }
  return lines
}

/** The `--json` document of a plan. */
export function planJson(
  plan: ProtectionPlan,
  mode: ApplyMode,
  applied: readonly string[],
  configPath: string
) {
  return {
    ok: true,
    repository: `${plan.repo.owner}/${plan.repo.repo}`,
    config: configPath,
    mode,
    drift: plan.environments.some(e => e.action !== 'none'),
    applied,
    environments: plan.environments,
    unmanaged: plan.unmanaged
  }
}
