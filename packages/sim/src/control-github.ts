import { GitHubSeedError } from './contract.js'
import { parseGitHubPush, parseGitHubSeed } from './github/seed.js'
import { parseAnsweredRun, parseWaitingRun } from './github/waiting-parse.js'
import type { World } from './world.js'

/**
 * `POST /_sim/github` (declare users, teams and branch histories, as a scenario's `github:`
 * section), `POST /_sim/github/push` (commits on top of a branch), `POST /_sim/github/waiting`
 * (a run waiting on an environment) and `DELETE /_sim/github/waiting` (that environment was
 * answered). A malformed or contradicting declaration answers 400 with the path of the bad value;
 * answering an environment nobody waits on, 404.
 */
export type GitHubControlAction = 'seed' | 'push' | 'waiting' | 'answered'

const ACTIONS: Record<GitHubControlAction, (body: unknown, world: World) => unknown> = {
  seed: (body, world) => world.github.seed(parseGitHubSeed(body)),
  push: (body, world) => world.github.push(parseGitHubPush(body)),
  waiting: (body, world) => world.github.waiting(parseWaitingRun(body)),
  answered: (body, world) => world.github.answered(parseAnsweredRun(body))
}

export function githubControl(
  action: GitHubControlAction,
  body: unknown,
  world: World
): { status: number; body: unknown } {
  try {
    const result = ACTIONS[action](body, world)
    if (result === undefined) {
      const { repository, runId, environment } = parseAnsweredRun(body)
      const message = `run ${runId} of ${repository} is not waiting on environment '${environment}'`
      return { status: 404, body: { message } }
    }
    return { status: 200, body: result }
  } catch (error) {
    if (error instanceof GitHubSeedError) return { status: 400, body: { message: error.message } }
    throw error
  }
}
