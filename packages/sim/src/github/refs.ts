import { createHash } from 'node:crypto'

/**
 * Repositories exist implicitly, so every well-formed ref names a commit. A full sha is taken
 * as is; a branch or tag gets a stable fake sha (or the one a test set); a short sha is
 * completed from a known sha with that prefix, else padded deterministically.
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

  constructor(private readonly fullName: string) {}

  setBranch(branch: string, sha: string): void {
    this.branches.set(branchName(branch), sha.toLowerCase())
    this.remember(sha)
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
}
