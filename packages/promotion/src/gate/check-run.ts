import { errorMessage, escapeTableCell, formatDuration, type Logger } from '@fargate-promote/common'
import {
  writeCheckRun,
  type CheckRunAnnotation,
  type CheckRunConclusion
} from '../github/check-run.js'
import type { GitHubClient, RepositoryRef } from '../github/client.js'
import type { GateVerdict } from './types.js'

export const GATE_CHECK_RUN_NAME = 'staging-gate'
export const DEFAULT_ANNOTATION_PATH = '.github/workflows'
const SUMMARY_MAX = 65_535
const TITLE_MAX = 255
const MESSAGE_MAX = 16_000
const FULL_SHA = /^[0-9a-f]{40}$/i

export type GateConclusion = CheckRunConclusion

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
  requests: number
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

/**
 * Untrusted text (check names, AWS reasons, alarm texts) in the summary: no HTML, no cell
 * break, no line break of any kind (a lone CR ends a line in markdown too).
 */
const cell = escapeTableCell

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
      lines.push(`| ${cell(container)} | <code>${cell(image)}</code> |`)
  }
  if (verdict.nextSteps.length > 0) {
    lines.push('', '**Next steps**', '')
    for (const step of verdict.nextSteps) lines.push(`- ${cell(step)}`)
  }
  return clip(lines.join('\n'), SUMMARY_MAX)
}

function annotationsOf(verdict: GateVerdict, path: string): CheckRunAnnotation[] {
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

/** The gate's verdict as a completed `staging-gate` check run on the commit. */
export async function writeGateCheckRun(
  options: GateCheckRunOptions,
  deps: { github: GitHubClient }
): Promise<GateCheckRunResult> {
  const { verdict } = options
  const conclusion = conclusionOf(verdict)
  const written = await writeCheckRun(
    {
      repository: options.repository,
      sha: options.sha,
      name: GATE_CHECK_RUN_NAME,
      conclusion,
      completedAt: verdict.evaluatedAt,
      ...(options.detailsUrl !== undefined && { detailsUrl: options.detailsUrl }),
      title: checkRunTitle(verdict),
      summary: checkRunSummary(verdict),
      annotations: annotationsOf(verdict, options.path ?? DEFAULT_ANNOTATION_PATH)
    },
    deps
  )
  return { ...written, conclusion }
}

/**
 * The workflow file running the gate, for the check run's annotations: GITHUB_WORKFLOW_REF is
 * `owner/repo/.github/workflows/promote.yml@refs/heads/main`.
 */
export function workflowPath(
  workflowRef: string | undefined,
  repository: string | undefined
): string | undefined {
  if (workflowRef === undefined || repository === undefined) return undefined
  const prefix = `${repository}/`
  const path = workflowRef.slice(prefix.length).split('@')[0]
  return workflowRef.startsWith(prefix) && path ? path : undefined
}

/** Where the gate's check run goes, read from the run's context with the other inputs. */
export interface GateCheckRunTarget {
  repository: RepositoryRef
  /** The workflow's commit: the check run's commit when staging names no full SHA. */
  fallbackSha?: string
  /** The workflow file, for annotations (see workflowPath). */
  path?: string
  /** The workflow run, linked from the check run. */
  detailsUrl?: string
  /** `https://github.com`, for the check run's own link. */
  serverUrl: string
}

/** The commit the check run goes on: the candidate's full SHA seen on staging, else the workflow's. */
export function checkRunSha(
  verdict: GateVerdict,
  fallback: string | undefined
): string | undefined {
  if (verdict.sha !== undefined && FULL_SHA.test(verdict.sha)) return verdict.sha
  return fallback !== undefined && FULL_SHA.test(fallback) ? fallback : undefined
}

export interface CheckRunRecord {
  id?: number
  url?: string
  sha?: string
  /** Why no check run was written. */
  problem?: string
}

/**
 * Writes the `staging-gate` check run. Problems come back as `problem` so the caller decides
 * how loud they are: a missing audit record of an emergency bypass fails the step.
 */
export async function recordGateCheckRun(
  verdict: GateVerdict,
  target: GateCheckRunTarget,
  deps: { github: GitHubClient; log: Logger }
): Promise<CheckRunRecord> {
  const sha = checkRunSha(verdict, target.fallbackSha)
  if (sha === undefined) {
    return {
      problem:
        'no full commit SHA to attach it to (the candidate has no commit tag on staging and GITHUB_SHA is not a full SHA)'
    }
  }
  const { repository } = target
  try {
    const result = await writeGateCheckRun(
      {
        repository,
        sha,
        verdict,
        ...(target.detailsUrl !== undefined && { detailsUrl: target.detailsUrl }),
        ...(target.path !== undefined && { path: target.path })
      },
      deps
    )
    deps.log.info(
      `Wrote check run ${result.id} (${result.conclusion}) on ${sha.slice(0, 12)} with ${result.annotations} annotation(s).`
    )
    const url = `${target.serverUrl}/${repository.owner}/${repository.repo}/runs/${result.id}`
    return { id: result.id, sha, url }
  } catch (error) {
    return { sha, problem: errorMessage(error) }
  }
}
