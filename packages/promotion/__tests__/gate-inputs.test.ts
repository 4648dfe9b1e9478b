import { describe, expect, test } from '@jest/globals'
import { readGateInputs } from '../src/index.js'
import { CONTEXT, reader, refusal } from './inputs-helpers.js'

const read = (values: Record<string, string>, context = CONTEXT) =>
  readGateInputs(reader({ cluster: 'staging', service: 'web', ...values }), context)

describe('readGateInputs', () => {
  test('defaults: the workflow commit as candidate, 15m soak, 60s checks, environment staging', async () => {
    expect(await read({})).toEqual({
      cluster: 'staging',
      services: ['web'],
      candidate: { sha: CONTEXT.sha },
      candidateSource: `the workflow's commit ${CONTEXT.sha} (no version, sha or image given)`,
      minSoakMs: 900_000,
      checks: [],
      checksTimeoutMs: 60_000,
      alarms: {},
      requireGitHubDeployment: false,
      environment: 'staging',
      emergency: { enabled: false, allowedActors: [], actor: 'octocat' },
      repository: { owner: 'acme', repo: 'shop' },
      checkRun: {
        repository: { owner: 'acme', repo: 'shop' },
        serverUrl: 'https://github.com',
        fallbackSha: CONTEXT.sha,
        detailsUrl: CONTEXT.runUrl
      }
    })
  })

  test('every setting, an audited emergency as the allow-list spells the actor', async () => {
    const inputs = await read(
      {
        service: '',
        services: 'web\nworker',
        version: '1.4.2',
        sha: '5f3c9a1',
        image: 'registry.example.com/shop/web:1.4.2',
        'min-soak': '30m',
        'checks-timeout': '2m',
        checks: '- name: api\n  http: { url: "https://staging.example.com/health" }',
        alarms: 'web-5xx\nweb-latency',
        'alarm-prefix': 'staging-',
        'github-token': 'ghs_x',
        'require-github-deployment': 'true',
        environment: 'stage',
        emergency: 'true',
        'emergency-reason': 'fix for incident 42',
        'emergency-actors': '@OctoCat, hubot'
      },
      { ...CONTEXT, workflowRef: 'acme/shop/.github/workflows/promote.yml@refs/heads/main' }
    )
    expect(inputs).toMatchObject({
      services: ['web', 'worker'],
      candidate: {
        version: '1.4.2',
        sha: '5f3c9a1',
        image: 'registry.example.com/shop/web:1.4.2'
      },
      minSoakMs: 1_800_000,
      checksTimeoutMs: 120_000,
      alarms: { names: ['web-5xx', 'web-latency'], prefix: 'staging-' },
      requireGitHubDeployment: true,
      environment: 'stage',
      githubToken: 'ghs_x',
      emergency: {
        enabled: true,
        reason: 'fix for incident 42',
        actor: 'OctoCat',
        allowedActors: ['OctoCat', 'hubot']
      },
      checkRun: { path: '.github/workflows/promote.yml' }
    })
    expect(inputs.checks.map(check => check.name)).toEqual(['api'])
    expect(inputs.candidateSource).toBe(JSON.stringify(inputs.candidate))
  })

  test('with a token the candidate must be on the default branch, a named one, or none', async () => {
    expect((await read({})).protectedBranch).toBeUndefined()
    expect((await read({ 'github-token': 't' })).protectedBranch).toBe('default')
    const named = await read({ 'github-token': 't', 'protected-branch': 'release/2' })
    expect(named.protectedBranch).toBe('release/2')
    const none = await read({ 'github-token': 't', 'protected-branch': 'none' })
    expect(none.protectedBranch).toBeUndefined()
  })

  test('a token makes the GitHub deployment required unless it is turned off', async () => {
    expect((await read({ 'github-token': 't' })).requireGitHubDeployment).toBe(true)
    const off = await read({ 'github-token': 't', 'require-github-deployment': 'false' })
    expect(off.requireGitHubDeployment).toBe(false)
  })

  test.each<[Record<string, string>, string]>([
    [
      { service: '' },
      "Input 'service': not given. Give the staging service that must run the candidate."
    ],
    [{ sha: 'xyz' }, "Input 'sha': 'xyz' is not a commit SHA."],
    [{ image: 'Web App:1' }, "Input 'image': 'Web App:1' is not a valid image reference"],
    [{ 'min-soak': '-5m' }, "Input 'min-soak': '-5m' is not a duration."],
    [{ 'checks-timeout': '0s' }, "Input 'checks-timeout': '0s' is not a duration from 1s to 1h."],
    [
      { checks: '- name: alarms\n  ecs-service: { cluster: c, service: s }', alarms: 'a' },
      "Input 'checks': check 'alarms' has the name of the gate's own alarm check. Rename it."
    ],
    [
      { 'require-github-deployment': 'true' },
      "Input 'require-github-deployment': is true but 'github-token' is empty"
    ],
    [{ emergency: 'true' }, "Input 'emergency-reason': not given."],
    [
      { 'protected-branch': 'main' },
      "Input 'protected-branch': needs 'github-token': the gate asks GitHub whether the candidate is on the branch."
    ],
    [
      { 'protected-branch': 'a..b', 'github-token': 't' },
      "Input 'protected-branch': 'a..b' is not a branch name. Give the protected branch (for example main), or none."
    ],
    [
      { emergency: 'true', 'emergency-reason': 'x' },
      "Input 'github-token': is required when 'emergency' is true"
    ],
    [
      {
        emergency: 'true',
        'emergency-reason': 'x',
        'github-token': 't',
        'emergency-actors': 'alice'
      },
      "Input 'emergency-actors': 'octocat' may not bypass the staging gate; only alice may."
    ]
  ])('%p is refused: %s', async (values, message) => {
    expect(await refusal(() => read(values))).toContain(message)
  })

  test.each([
    [
      'a line break',
      '1.0.0\nstatus=succeeded',
      "'version=1.0.0\\nstatus=succeeded' has characters"
    ],
    [
      '100 kB',
      'v'.repeat(100_000),
      "the value of 'version' is 100000 characters long; ECS allows at most 256"
    ]
  ])(
    'a version no revision can carry (%s) is refused as deploy-fargate refuses it',
    async (_what, version, message) => {
      expect(await refusal(() => read({ version }))).toContain(`Input 'version': ${message}`)
    }
  )

  test('a line of emergency-actors that is no GitHub login is refused, naming its line', async () => {
    const emergency = { emergency: 'true', 'emergency-reason': 'outage', 'github-token': 't' }
    const forged = '::set-output name=approved::true'
    const message = await refusal(() =>
      read({ ...emergency, 'emergency-actors': `octocat\n${forged}` })
    )
    expect(message).toBe(
      `Input 'emergency-actors' (line 2): '${forged}' is not a GitHub login: letters, digits and hyphens, at most 39 characters, e.g. octocat. Give one login per line or separated by commas.`
    )
    // Without the emergency too: the list is what the workflow says, or nothing runs.
    expect(await refusal(() => read({ 'emergency-actors': 'alice, $(id)' }))).toContain(
      "Input 'emergency-actors' (line 1): '$(id)' is not a GitHub login"
    )
  })

  test('emergency-actors: logins and apps (name[bot]), with @, commas, blank lines and comments', async () => {
    const inputs = await read({
      'emergency-actors': '# on call\n@alice, bob-2\n\nrelease-bot[bot]'
    })
    expect(inputs.emergency.allowedActors).toEqual(['alice', 'bob-2', 'release-bot[bot]'])
  })

  test('outside a workflow: no candidate to gate, no repository for the GitHub deployment', async () => {
    const outside = { ...CONTEXT, sha: undefined, repository: 'not-a-repo' }
    expect(await refusal(() => read({}, outside))).toContain('No candidate to gate')
    expect(
      await refusal(() =>
        read({ version: '1', 'require-github-deployment': 'true', 'github-token': 't' }, outside)
      )
    ).toContain("GITHUB_REPOSITORY ('not-a-repo') is not owner/repo")
    const anywhere = await read({ version: '1' }, outside)
    expect(anywhere.repository).toBeUndefined()
    expect(anywhere.checkRun).toBeUndefined()
  })
})
