import { ConfigurationError, formatDuration } from '@fargate-promote/common'
import type { GateVerdict } from './gate/types.js'
import type { GitHubClient, RepositoryRef } from './github-client.js'

export const GATE_CHECK_RUN_NAME = 'staging-gate'
/** GitHub takes at most 50 annotations per create or update request; updates append. */
export const ANNOTATIONS_PER_REQUEST = 50
export const DEFAULT_ANNOTATION_PATH = '.github/workflows'
const SUMMARY_MAX = 65_535
const TITLE_MAX = 255
const MESSAGE_MAX = 16_000

export type GateConclusion = 'success' | 'failure' | 'neutral' | 'cancelled'

export interface GateCheckRunOptions {
  repository: RepositoryRef
  /** The full commit SHA the check run is attached to. */
  sha: string
  verdict: GateVerdict
  detailsUrl?: string
  /** Annotations must name a file: the workflow that runs the gate. */
  path?: string
}

export interface GateCheckRunResult {
  id: number
  conclusion: GateConclusion
  annotations: number
  /** POST plus one PATCH per further 50 annotations. */
  requests: number
}

interface Annotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning'
  title: string
  message: string
}

/**
 * An emergency bypass concludes `neutral`: required status checks accept it, so the bypass
 * does what it is for, but it shows grey instead of green next to every commit and in the
 * branch's checks — a bypass must never look like a passed gate.
 */
export function conclusionOf(verdict: GateVerdict): GateConclusion {
  if (verdict.cancelled === true) return 'cancelled'
  if (verdict.mode === 'emergency') return 'neutral'
  return verdict.approved ? 'success' : 'failure'
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** Untrusted text (AWS reasons, alarm texts) in a table cell: no HTML, no cell breaks. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
}

function failedCount(verdict: GateVerdict): number {
  return verdict.checks.filter(check => !check.ok).length
}

export function checkRunTitle(verdict: GateVerdict): string {
  const failed = failedCount(verdict)
  const release = verdict.version ?? verdict.sha?.slice(0, 12) ?? 'the candidate'
  if (verdict.cancelled === true) {
    return clip(`Cancelled: no verdict for ${release}; nothing is approved`, TITLE_MAX)
  }
  if (verdict.mode === 'emergency') {
    const who = verdict.emergency?.actor ?? 'unknown actor'
    return clip(
      `EMERGENCY BYPASS by ${who}: ${release} released with ${failed} failing check${failed === 1 ? '' : 's'}`,
      TITLE_MAX
    )
  }
  if (verdict.approved) return clip(`Approved: ${release} may go to production`, TITLE_MAX)
  return clip(
    `Blocked: ${failed} of ${verdict.checks.length} checks failed for ${release}`,
    TITLE_MAX
  )
}

function resultCell(ok: boolean, blocking: boolean): string {
  if (ok) return '✅ pass'
  return blocking ? '❌ fail' : '⚠️ fail (bypassed)'
}

export function checkRunSummary(verdict: GateVerdict): string {
  const lines: string[] = []
  if (verdict.mode === 'emergency') {
    const emergency = verdict.emergency
    lines.push(
      `**EMERGENCY BYPASS** by ${cell(emergency?.actor ?? 'unknown actor')}: ${cell(emergency?.reason ?? '')}`,
      '',
      `${failedCount(verdict)} failing check(s) did not block this release. Follow up on each.`
    )
  } else {
    lines.push(
      verdict.approved ? '**Approved**' : `**Blocked**: ${failedCount(verdict)} check(s) failed.`
    )
  }
  lines.push('', '| Check | Result | Detail |', '|---|---|---|')
  for (const check of verdict.checks) {
    lines.push(
      `| ${cell(check.name)} | ${resultCell(check.ok, check.blocking)} | ${cell(check.detail)} |`
    )
  }
  lines.push(
    '',
    `Soak: ${formatDuration(verdict.soakedForMs)} of ${formatDuration(verdict.minSoakMs)}` +
      (verdict.remainingSoakMs > 0 ? `, ${formatDuration(verdict.remainingSoakMs)} to go.` : '.')
  )
  const images = Object.entries(verdict.images)
  if (images.length > 0) {
    lines.push('', '| Container | Image |', '|---|---|')
    for (const [container, image] of images)
      lines.push(`| ${cell(container)} | \`${cell(image)}\` |`)
  }
  if (verdict.nextSteps.length > 0) {
    lines.push('', '**Next steps**', '')
    for (const step of verdict.nextSteps) lines.push(`- ${cell(step)}`)
  }
  return clip(lines.join('\n'), SUMMARY_MAX)
}

function annotationsOf(verdict: GateVerdict, path: string): Annotation[] {
  const level = verdict.mode === 'emergency' ? 'warning' : 'failure'
  return verdict.checks
    .filter(check => !check.ok)
    .map(check => ({
      path,
      start_line: 1,
      end_line: 1,
      annotation_level: level,
      title: clip(`staging gate: ${check.name}`, TITLE_MAX),
      message: clip(check.detail, MESSAGE_MAX)
    }))
}

/**
 * A completed `staging-gate` check run on the commit: the verdict, a table of the checks and
 * one annotation per failed check, 50 per request (the first with the POST, the rest as PATCHes,
 * which GitHub appends).
 */
export async function writeGateCheckRun(
  options: GateCheckRunOptions,
  deps: { github: GitHubClient }
): Promise<GateCheckRunResult> {
  if (!/^[0-9a-f]{40}$/i.test(options.sha)) {
    throw new ConfigurationError(
      `check run sha: '${options.sha}' is not a full commit SHA. Give the 40-character SHA the check run belongs to.`
    )
  }
  const { owner, repo } = options.repository
  const { verdict } = options
  const title = checkRunTitle(verdict)
  const summary = checkRunSummary(verdict)
  const annotations = annotationsOf(verdict, options.path ?? DEFAULT_ANNOTATION_PATH)
  const batches: Annotation[][] = []
  for (let start = 0; start < annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    batches.push(annotations.slice(start, start + ANNOTATIONS_PER_REQUEST))
  }
  const conclusion = conclusionOf(verdict)
  const created = await deps.github.request('POST /repos/{owner}/{repo}/check-runs', {
    owner,
    repo,
    name: GATE_CHECK_RUN_NAME,
    head_sha: options.sha,
    status: 'completed',
    conclusion,
    completed_at: new Date(verdict.evaluatedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(options.detailsUrl !== undefined && { details_url: options.detailsUrl }),
    output: { title, summary, annotations: batches[0] ?? [] }
  })
  const id = (created.data as { id?: unknown }).id
  if (created.status !== 201 || typeof id !== 'number') {
    throw new Error(
      `GitHub did not create the ${GATE_CHECK_RUN_NAME} check run (HTTP ${created.status}).`
    )
  }
  for (const batch of batches.slice(1)) {
    const updated = await deps.github.request(
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
      { owner, repo, check_run_id: id, output: { title, summary, annotations: batch } }
    )
    if (updated.status !== 200) {
      throw new Error(`GitHub did not add annotations to check run ${id} (HTTP ${updated.status}).`)
    }
  }
  return { id, conclusion, annotations: annotations.length, requests: Math.max(1, batches.length) }
}
