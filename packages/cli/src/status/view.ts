import { escapeTableCell, formatDuration } from '@fargate-promote/common'
import { printable } from '../text.js'
import { table, type Colors } from '../ui.js'
import type { Board, EnvironmentStatus, Verification } from './board.js'
import type { ServiceStatus } from './ecs.js'

/*
 * The board on a terminal (a borderless table, then what needs attention), as GitHub-flavoured
 * Markdown (a job summary, an issue comment; every cell escaped), and as JSON.
 */

export const HEAD = [
  'ENVIRONMENT',
  'SERVICE',
  'VERSION',
  'REVISION',
  'TASKS',
  'IMAGES',
  'DEPLOYED',
  'BY',
  'VERIFIED',
  'SOAK',
  'APPROVALS'
]

/** `repo/web@sha256:0123456789ab`: the digest cut to 12 hex characters, enough to compare. */
export function shortImage(reference: string): string {
  const at = reference.indexOf('@sha256:')
  const named = at < 0 ? reference : reference.slice(0, at + 20)
  return named.slice(named.lastIndexOf('/') + 1)
}

function imagesCell(service: ServiceStatus): string {
  const shown = Object.values(service.images).flatMap(references => references.map(shortImage))
  return shown.length === 0 ? '-' : shown.join(' ')
}

function deployedCell(environment: EnvironmentStatus, now: number): string {
  const created = environment.deployment?.createdAt
  const live = environment.services.flatMap(service => service.liveSince ?? [])
  const at = created ? Date.parse(created) : live.length > 0 ? Math.max(...live) : Number.NaN
  return Number.isFinite(at) ? `${formatDuration(Math.max(0, now - at))} ago` : '-'
}

function soakCell(environment: EnvironmentStatus): string {
  const { soak } = environment
  if (soak === undefined) return '-'
  return soak.remainingMs > 0 ? `${formatDuration(soak.remainingMs)} left` : 'done'
}

function approvalsCell(environment: EnvironmentStatus): string {
  const { approvals } = environment
  if (approvals === undefined) return 'unknown'
  return approvals.length === 0 ? 'none' : `${approvals.length} waiting`
}

/** Cells of one row per service (the environment's own on its first), as plain text. */
export function rowsOf(environment: EnvironmentStatus, now: number): string[][] {
  const services: (ServiceStatus | undefined)[] =
    environment.services.length > 0 ? environment.services : [undefined]
  return services.map((service, index) => {
    const first = index === 0
    const env = (value: string) => (first ? value : '')
    return [
      env(environment.name),
      service?.service ?? '-',
      service?.version ?? '-',
      service?.revision ?? '-',
      service === undefined ? '-' : `${service.runningTasks}/${service.desiredTasks}`,
      service === undefined ? '-' : imagesCell(service),
      env(deployedCell(environment, now)),
      env(environment.deployment?.creator ?? '-'),
      env(environment.verification),
      env(soakCell(environment)),
      env(approvalsCell(environment))
    ]
  })
}

/** What needs a person's attention, one line each. */
export function attentionLines(board: Board): string[] {
  const lines: string[] = []
  if (board.githubUnavailable !== undefined) {
    lines.push(`GitHub was not read: ${board.githubUnavailable}.`)
  }
  if (board.approvalsUnknown !== undefined) {
    lines.push(`Waiting approvals unknown: ${board.approvalsUnknown}.`)
  }
  for (const environment of board.environments) {
    const { name } = environment
    if (environment.ecsError) lines.push(`${name}: ECS could not be read: ${environment.ecsError}`)
    if (environment.githubError) {
      lines.push(`${name}: GitHub could not be read: ${environment.githubError}`)
    }
    for (const service of environment.services) {
      if (!service.serving) lines.push(`${name}/${service.service}: ${service.problems.join('; ')}`)
    }
    const { deployment, latest } = environment
    if (deployment?.description && environment.verification !== 'verified') {
      lines.push(
        `${name}: deployment ${deployment.id} ${deployment.state ?? ''}: ${deployment.description}`
      )
    }
    if (latest !== undefined) {
      const what = latest.description ? `: ${latest.description}` : ''
      const version = latest.version ? ` (${latest.version})` : ''
      lines.push(
        `${name}: the newest deployment ${latest.id}${version} is not what runs; ${latest.state ?? 'no status'}${what}`
      )
    }
    for (const approval of environment.approvals ?? []) {
      const by = approval.actor ? ` by ${approval.actor}` : ''
      const on = approval.branch ? ` on ${approval.branch}` : ''
      const who = approval.reviewers.length > 0 ? approval.reviewers.join(', ') : 'a reviewer'
      const url = approval.runUrl ? ` ${approval.runUrl}` : ''
      lines.push(
        `${name}: run ${approval.runId} (${approval.workflow ?? 'workflow'}${on}${by}) waits for ${who}${url}`
      )
    }
  }
  return lines
}

const VERIFICATION_COLOURS: Partial<Record<Verification, keyof Colors>> = {
  verified: 'green',
  failed: 'red',
  'in-progress': 'yellow'
}

/** The board on a terminal: the table, then what needs attention. */
export function boardText(board: Board, c: Colors): string {
  const rows = board.environments.flatMap(environment =>
    rowsOf(environment, board.generatedAt).map((row, index) => {
      const cells = row.map(value => printable(value))
      const service = environment.services[index]
      if (service !== undefined && !service.serving) cells[4] = c.red(cells[4])
      const colour = VERIFICATION_COLOURS[environment.verification]
      if (index === 0 && colour) cells[8] = (c[colour] as (s: string) => string)(cells[8] as string)
      return cells
    })
  )
  const attention = attentionLines(board).map(line => printable(line))
  return [table(HEAD, rows, c), ...attention].join('\n')
}

/** The board as a GitHub-flavoured Markdown table; every cell escaped. */
export function boardMarkdown(board: Board): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const rows = board.environments.flatMap(environment =>
    rowsOf(environment, board.generatedAt).map(row =>
      line(row.map(value => escapeTableCell(value)))
    )
  )
  const attention = attentionLines(board).map(text => `- ${escapeTableCell(text)}`)
  return [
    line(HEAD.map(title => title.toLowerCase())),
    line(HEAD.map(() => '---')),
    ...rows,
    ...(attention.length > 0 ? ['', ...attention] : [])
  ].join('\n')
}

/** The board as `--json` prints it. */
export function boardJson(board: Board) {
  const iso = (ms: number | undefined) =>
    ms === undefined ? undefined : new Date(ms).toISOString()
  return {
    ok: true,
    ...board,
    generatedAt: iso(board.generatedAt),
    environments: board.environments.map(environment => ({
      ...environment,
      services: environment.services.map(service => ({
        ...service,
        liveSince: iso(service.liveSince)
      })),
      ...(environment.soak !== undefined && {
        soak: { ...environment.soak, since: iso(environment.soak.since) }
      })
    }))
  }
}
