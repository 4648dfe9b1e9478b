import { GitHubSeedError } from './contract.js'
import { parseGitHubPush, parseGitHubSeed } from './github/seed.js'
import type { World } from './world.js'

/**
 * `POST /_sim/github` (declare users, teams and branch histories, as a scenario's `github:`
 * section) and `POST /_sim/github/push` (commits on top of a branch). A malformed or
 * contradicting declaration answers 400 with the path of the bad value.
 */
export function githubControl(
  action: 'seed' | 'push',
  body: unknown,
  world: World
): { status: number; body: unknown } {
  try {
    const result =
      action === 'seed'
        ? world.github.seed(parseGitHubSeed(body))
        : world.github.push(parseGitHubPush(body))
    return { status: 200, body: result }
  } catch (error) {
    if (error instanceof GitHubSeedError) return { status: 400, body: { message: error.message } }
    throw error
  }
}
