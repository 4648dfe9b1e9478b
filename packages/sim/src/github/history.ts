import { GitHubSeedError } from '../contract.js'

/**
 * The commits of one repository and their ancestry: linear histories, one parent per commit
 * (a merge commit is not modelled). A commit is added by declaring a branch's history or by
 * pushing on top of a branch; its parent never changes afterwards, as in git.
 */

export interface CommitRecord {
  sha: string
  /** Undefined for a root commit. */
  parent: string | undefined
  /** Epoch ms at which the sim learnt of the commit (its author and committer date). */
  at: number
}

export class CommitGraph {
  private readonly commits = new Map<string, CommitRecord>()

  has(sha: string): boolean {
    return this.commits.has(sha)
  }

  get(sha: string): CommitRecord | undefined {
    return this.commits.get(sha)
  }

  /** Every known sha starting with `prefix` (lower case). */
  withPrefix(prefix: string): string[] {
    return [...this.commits.keys()].filter(sha => sha.startsWith(prefix))
  }

  /** Adds `sha` as a root commit unless it is known already. */
  ensure(sha: string, at: number): void {
    if (!this.commits.has(sha)) this.commits.set(sha, { sha, parent: undefined, at })
  }

  /**
   * Adds `shas` (oldest first) as a chain whose first commit has `parent`. A commit already
   * known must have that same parent; `parent` undefined keeps the first commit's own parent
   * (a history may start at a commit of another branch: its branch point).
   */
  chain(parent: string | undefined, shas: readonly string[], at: number, path: string): void {
    // Checked in full first, so a contradiction changes nothing.
    shas.forEach((sha, i) => {
      const previous = i === 0 ? parent : shas[i - 1]
      const known = this.commits.get(sha)
      if (known !== undefined && (i > 0 || parent !== undefined) && known.parent !== previous) {
        throw new GitHubSeedError(
          `${path}[${i}]`,
          `commit ${sha} already has parent ${known.parent ?? '(none: a root commit)'}, ` +
            `not ${previous ?? '(none)'}`
        )
      }
    })
    shas.forEach((sha, i) => {
      if (!this.commits.has(sha)) {
        this.commits.set(sha, { sha, parent: i === 0 ? parent : shas[i - 1], at })
      }
    })
  }

  /** `sha`, its parent, its grandparent ... down to the root (just `sha` if unknown). */
  ancestors(sha: string): string[] {
    const line: string[] = []
    const seen = new Set<string>()
    for (let cursor: string | undefined = sha; cursor !== undefined && !seen.has(cursor);) {
      seen.add(cursor)
      line.push(cursor)
      cursor = this.commits.get(cursor)?.parent
    }
    return line
  }
}

export interface Comparison {
  mergeBase: string
  /** Commits reachable from head but not from base, oldest first. */
  ahead: string[]
  behindBy: number
  status: 'identical' | 'ahead' | 'behind' | 'diverged'
}

/** `git log base..head` and its mirror; undefined when the two share no ancestor. */
export function compareCommits(
  graph: CommitGraph,
  base: string,
  head: string
): Comparison | undefined {
  const baseLine = graph.ancestors(base)
  const headLine = graph.ancestors(head)
  const onBase = new Set(baseLine)
  const split = headLine.findIndex(sha => onBase.has(sha))
  if (split === -1) return undefined
  const mergeBase = headLine[split] as string
  const ahead = headLine.slice(0, split).reverse()
  const behindBy = baseLine.indexOf(mergeBase)
  const status =
    ahead.length === 0
      ? behindBy === 0
        ? 'identical'
        : 'behind'
      : behindBy === 0
        ? 'ahead'
        : 'diverged'
  return { mergeBase, ahead, behindBy, status }
}
