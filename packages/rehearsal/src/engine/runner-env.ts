import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { JobState } from './job-state.js'

/** The PATH directory with the tools a rehearsal stands in for (yq, aws). */
export const TOOLS_DIR = fileURLToPath(new URL('../../tools', import.meta.url))

/** The variables the GitHub runner sets for every step, pointed at the simulator. */
export function runnerEnv(job: JobState, files: Record<string, string>): Record<string, string> {
  const { options } = job.engine
  const [owner = ''] = options.repository.split('/')
  const refName = options.ref.replace(/^refs\/(heads|tags)\//, '')
  const clock = options.sim.time
  const inherited = (name: string) => options.hostEnv?.[name]
  return {
    PATH: [...job.path, TOOLS_DIR, inherited('PATH') ?? '/usr/bin:/bin'].join(':'),
    HOME: inherited('HOME') ?? job.dir,
    LANG: inherited('LANG') ?? 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: options.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_SHA: options.sha,
    GITHUB_REF: options.ref,
    GITHUB_REF_NAME: refName,
    GITHUB_REF_TYPE: options.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: join(options.workDir, 'event.json'),
    GITHUB_WORKSPACE: options.repoRoot,
    GITHUB_ACTOR: options.actor,
    GITHUB_TRIGGERING_ACTOR: options.actor,
    GITHUB_RUN_ID: String(options.runId ?? 1),
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: job.engine.workflows.get(options.workflow)?.title ?? options.workflow,
    GITHUB_JOB: job.jobId,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: `${options.sim.url}/github`,
    GITHUB_GRAPHQL_URL: `${options.sim.url}/github/graphql`,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'rehearsal',
    RUNNER_TEMP: job.dir,
    RUNNER_TOOL_CACHE: join(job.dir, 'tool-cache'),
    // Nothing a rehearsed step runs can reach real AWS: every client goes to the simulator.
    AWS_ENDPOINT_URL: options.sim.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    FARGATE_PROMOTE_SIM_CLOCK: `${clock.origin},${clock.scale}`,
    ...job.baseEnv,
    ...job.exported,
    ...files
  }
}
