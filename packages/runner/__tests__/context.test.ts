import { readRunContext } from '../src/context.js'

describe('readRunContext', () => {
  test('reads the documented GITHUB_* variables and builds the run URL', () => {
    const context = readRunContext({
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_SERVER_URL: 'https://github.example.com/',
      GITHUB_API_URL: 'http://127.0.0.1:9/github/',
      GITHUB_WORKSPACE: '/work/shop',
      GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/promote.yml@refs/heads/main',
      RUNNER_TEMP: '/home/runner/work/_temp'
    })
    expect(context).toEqual({
      repository: 'acme/shop',
      sha: 'a'.repeat(40),
      ref: 'refs/heads/main',
      actor: 'octocat',
      workflow: 'deploy',
      runId: '42',
      runAttempt: '2',
      serverUrl: 'https://github.example.com',
      apiUrl: 'http://127.0.0.1:9/github',
      workspace: '/work/shop',
      workflowRef: 'acme/shop/.github/workflows/promote.yml@refs/heads/main',
      runnerTemp: '/home/runner/work/_temp',
      runUrl: 'https://github.example.com/acme/shop/actions/runs/42'
    })
  })

  test('outside a workflow it falls back to github.com and the current folder', () => {
    const context = readRunContext({ GITHUB_SHA: '  ' })
    expect(context.sha).toBeUndefined()
    expect(context.serverUrl).toBe('https://github.com')
    expect(context.apiUrl).toBe('https://api.github.com')
    expect(context.workspace).toBe(process.cwd())
    expect(context.runUrl).toBeUndefined()
  })
})
