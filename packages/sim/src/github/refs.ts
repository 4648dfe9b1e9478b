import { createHash } from 'node:crypto'
import { CommitGraph } from './history.js'

/**
 * Repositories exist implicitly, so every well-formed ref names a commit. A full sha is taken
 * as is; a branch or tag gets a stable fake sha (or the one a test set); a short sha is
 * completed from a known sha with that prefix, else padded deterministically.
 *
 * Ancestry is stricter (it answers "is this commit on that branch?"): only commits of the
 * `history` graph exist for it, and once a branch has been set, declared or pushed to, only
 * those branches do (`lookup`).
 */

const FULL_SHA = /^[0-9a-f]{40}$/i
const SHORT_SHA = /^[0-9a-f]{7,39}$/i

export const isFullSha = (value: string): boolean => FULL_SHA.test(value)

/** Git's check-ref-format rules, the subset that matters for names typed into workflows. */
export function isValidRefName(ref: string): boolean {
  return (
    ref.length > 0 &&
    !/[\s~^:?*[\\]/.test(ref) &&
    ![...ref].some(c => c.charCodeAt(0) < 0x20 || c === '\u007f') &&
    !ref.includes('..') &&
    !ref.includes('@{') &&
    !ref.includes('//') &&
    !ref.startsWith('/') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    !ref.endsWith('.lock')
  )
}

/** `refs/heads/main`, `heads/main` and `main` name the same branch. */
export function branchName(ref: string): string {
  return ref.replace(/^refs\//, '').replace(/^(heads|tags)\//, '')
}

export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex')
}

export class RefTable {
  private readonly branches = new Map<string, string>()
  private readonly known = new Set<string>()
  readonly history = new CommitGraph()

  constructor(
    private readonly fullName: string,
    private readonly now: () => number = Date.now
  ) {}

  /** Points a branch at a sha; an unknown sha becomes a root commit. */
  setBranch(branch: string, sha: string): void {
    const lower = sha.toLowerCase()
    this.branches.set(branchName(branch), lower)
    this.history.ensure(lower, this.now())
    this.remember(lower)
  }

  /** A branch's whole history, oldest first; the first commit may be a known branch point. */
  declareHistory(branch: string, shas: readonly string[], path = branch): void {
    this.history.chain(undefined, shas, this.now(), path)
    shas.forEach(sha => this.remember(sha))
    this.setBranch(branch, shas[shas.length - 1] as string)
  }

  /** Commits pushed on top of a branch (a new branch starts from a root commit). */
  push(branch: string, shas: readonly string[], path = 'commits'): string {
    const head = this.branches.get(branchName(branch))
    this.history.chain(head, shas, this.now(), path)
    shas.forEach(sha => this.remember(sha))
    this.setBranch(branch, shas[shas.length - 1] as string)
    return shas[shas.length - 1] as string
  }

  heads(): Record<string, string> {
    return Object.fromEntries(this.branches)
  }

  remember(sha: string): void {
    this.known.add(sha.toLowerCase())
  }

  resolve(ref: string): string {
    if (isFullSha(ref)) {
      this.remember(ref)
      return ref.toLowerCase()
    }
    if (SHORT_SHA.test(ref)) {
      const prefix = ref.toLowerCase()
      const match = [...this.known].find(sha => sha.startsWith(prefix))
      if (match !== undefined) return match
      return (prefix + fakeSha(`${this.fullName}@${prefix}`)).slice(0, 40)
    }
    const name = branchName(ref)
    const sha = this.branches.get(name) ?? fakeSha(`${this.fullName}@${name}`)
    this.remember(sha)
    return sha
  }

  /**
   * The commit a ref names for ancestry, or undefined: a sha (or unique prefix of 7+) of the
   * graph, else a branch or tag that was set. While no branch was ever set, any branch resolves
   * to its stable fake sha, a root commit with no history.
   */
  lookup(ref: string): string | undefined {
    const lower = ref.toLowerCase()
    if (isFullSha(ref)) return this.history.has(lower) ? lower : undefined
    if (SHORT_SHA.test(ref)) {
      const matches = this.history.withPrefix(lower)
      if (matches.length === 1) return matches[0]
    }
    if (!isValidRefName(ref)) return undefined
    const name = branchName(ref)
    const head = this.branches.get(name)
    if (head !== undefined || this.branches.size > 0) return head
    return fakeSha(`${this.fullName}@${name}`)
  }
}
