import {
  GitHubSeedError,
  type GitHubAnsweredRun,
  type GitHubWaitingReviewer,
  type GitHubWaitingRun
} from '../contract.js'
import { at, list, LOGIN, object, REPO_NAME, show, text, type Obj } from './declaration.js'
import { isValidRefName } from './refs.js'

/**
 * Reading `POST /_sim/github/waiting` (a run waiting on an environment) and
 * `DELETE /_sim/github/waiting` (its approval), failing with the path of the bad value.
 */

const MAX_REVIEWERS = 6
const MAX_WAIT_MINUTES = 43200
const TEAM = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/)?[A-Za-z0-9][A-Za-z0-9_.-]*$/
const EVENT = /^[a-z_]+$/
const WAITING_FIELDS = [
  'repository',
  'runId',
  'workflow',
  'environment',
  'reviewers',
  'waitTimer',
  'createdAt',
  'headSha',
  'headBranch',
  'event',
  'actor',
  'currentUserCanApprove'
]

function integer(raw: Obj, key: string, min: number, max: number): number | undefined {
  const value = raw[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new GitHubSeedError(key, `must be an integer from ${min} to ${max}, got ${show(value)}`)
  }
  return value
}

function runId(raw: Obj): number {
  const id = integer(raw, 'runId', 1, Number.MAX_SAFE_INTEGER)
  if (id === undefined) throw new GitHubSeedError('runId', 'is required')
  return id
}

function name(raw: Obj, key: string): string {
  const value = raw[key]
  if (typeof value !== 'string' || value.trim() === '' || value.length > 255) {
    throw new GitHubSeedError(key, `must be a non-empty string, got ${show(value)}`)
  }
  return value
}

function reviewer(value: unknown, path: string): GitHubWaitingReviewer {
  const raw = object(value, path, ['type', 'login', 'slug'])
  if (raw.type === 'User') {
    object(value, path, ['type', 'login'])
    return { type: 'User', login: text(raw.login, at(path, 'login'), LOGIN, 'a GitHub login') }
  }
  if (raw.type === 'Team') {
    object(value, path, ['type', 'slug'])
    return {
      type: 'Team',
      slug: text(raw.slug, at(path, 'slug'), TEAM, "a team slug ('org/slug' or 'slug')")
    }
  }
  throw new GitHubSeedError(at(path, 'type'), `must be User or Team, got ${show(raw.type)}`)
}

/** ISO 8601 text or epoch milliseconds. */
function time(raw: Obj, key: string): number | undefined {
  const value = raw[key]
  if (value === undefined) return undefined
  const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : NaN
  if (!Number.isFinite(ms)) {
    throw new GitHubSeedError(
      key,
      `must be an ISO 8601 time or epoch milliseconds, got ${show(value)}`
    )
  }
  return ms
}

function optional<T>(
  raw: Obj,
  key: string,
  read: (value: unknown, path: string) => T
): T | undefined {
  return raw[key] === undefined ? undefined : read(raw[key], key)
}

export function parseWaitingRun(body: unknown): GitHubWaitingRun {
  const raw = object(body ?? {}, '', WAITING_FIELDS)
  const reviewers = list(raw.reviewers ?? [], 'reviewers')
  if (reviewers.length > MAX_REVIEWERS) {
    throw new GitHubSeedError(
      'reviewers',
      `at most ${MAX_REVIEWERS} reviewers, got ${reviewers.length}`
    )
  }
  const flag = raw.currentUserCanApprove
  if (flag !== undefined && typeof flag !== 'boolean') {
    throw new GitHubSeedError('currentUserCanApprove', `must be true or false, got ${show(flag)}`)
  }
  const run: GitHubWaitingRun = {
    repository: text(raw.repository, 'repository', REPO_NAME, "'owner/name'"),
    runId: runId(raw),
    workflow: name(raw, 'workflow'),
    environment: name(raw, 'environment'),
    reviewers: reviewers.map((r, i) => reviewer(r, at('reviewers', i))),
    waitTimer: integer(raw, 'waitTimer', 0, MAX_WAIT_MINUTES) ?? 0
  }
  const extras = {
    createdAt: time(raw, 'createdAt'),
    headSha: optional(raw, 'headSha', (v, p) =>
      text(v, p, /^[0-9a-fA-F]{40}$/, 'a full 40-character sha')
    ),
    headBranch: optional(raw, 'headBranch', (v, p) => branch(v, p)),
    event: optional(raw, 'event', (v, p) => text(v, p, EVENT, 'an event name like push')),
    actor: optional(raw, 'actor', (v, p) => text(v, p, LOGIN, 'a GitHub login')),
    currentUserCanApprove: flag
  }
  for (const [key, value] of Object.entries(extras)) {
    if (value !== undefined) Object.assign(run, { [key]: value })
  }
  return run
}

function branch(value: unknown, path: string): string {
  if (typeof value !== 'string' || !isValidRefName(value) || value.startsWith('refs/')) {
    throw new GitHubSeedError(path, `must be a branch name, got ${show(value)}`)
  }
  return value
}

export function parseAnsweredRun(body: unknown): GitHubAnsweredRun {
  const raw = object(body ?? {}, '', ['repository', 'runId', 'environment'])
  return {
    repository: text(raw.repository, 'repository', REPO_NAME, "'owner/name'"),
    runId: runId(raw),
    environment: name(raw, 'environment')
  }
}
