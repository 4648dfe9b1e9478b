import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeClock } from '@fargate-promote/common'
import { EXIT, run } from '../src/index.js'
import { wantsVersion } from '../src/run.js'
import { asOption } from '../src/failures.js'
import { regionOf } from '../src/aws.js'
import { testIo } from './support.js'

/*
 * The use-case commands up to the first request: every input is read and checked before AWS or
 * GitHub is asked, so these run without either (the end-to-end tests run them against the sim).
 */

const CONFIG = `version: 1
environments:
  staging:
    region: eu-west-1
    cluster: shop-staging
    services: [{ name: web, containers: [web] }]
`

function app(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fp-cli-unit-'))
  mkdirSync(join(dir, '.github'))
  writeFileSync(join(dir, '.github/fargate-promote.yml'), CONFIG)
  return dir
}

async function cli(argv: string[], env: Record<string, string> = {}, cwd = '/') {
  const io = testIo({ env, cwd, clock: new FakeClock() })
  const code = await run(argv, io)
  return { code, stdout: io.stdout.text, stderr: io.stderr.text }
}

describe('--version', () => {
  it('is the program’s before a command, and the command’s own after it', async () => {
    expect(wantsVersion(['--version'])).toBe(true)
    expect(wantsVersion(['--repo', 'a/b', '-V'])).toBe(true)
    expect(wantsVersion(['deploy', '--version', '1.2.0'])).toBe(false)
    expect(wantsVersion(['--', '--version'])).toBe(false)
    expect(wantsVersion([])).toBe(false)
    const own = await cli(['deploy', '--version', '1.2.0', '--config', 'none'])
    expect(own.code).toBe(EXIT.usage)
    expect(own.stderr).toContain('--cluster: not given. Give the ECS cluster name or ARN.')
  })
})

describe('bad input: exit 2 naming the option, before any request', () => {
  it.each([
    [
      ['deploy', '--cluster', 'c', '--service', 's', '--timeout', '30'],
      "--timeout: '30' is not a duration"
    ],
    [
      ['deploy', '--cluster', 'c', '--service', 's', '--wait-for-target-health', 'maybe'],
      "--wait-for-target-health: 'maybe' is not one of"
    ],
    [
      ['deploy', '--cluster', 'c', '--service', 's', '--images', 'web'],
      "error --images (line 1): 'web' is not container=image (one per line, e.g. web=nginx:1.27)."
    ],
    [
      ['verify', '--mode', 'watch', '--url', 'https://example.com'],
      "--mode: 'watch' is not one of"
    ],
    [['verify'], '--checks: not given.'],
    [
      ['gate', '--cluster', 'c', '--service', 's', '--sha', 'xyz', '--no-github'],
      "--sha: 'xyz' is not a commit SHA"
    ],
    [['gate', '--cluster', 'c', '--service', 's', '--no-github'], 'No candidate to gate'],
    [
      [
        'gate',
        '--cluster',
        'c',
        '--service',
        's',
        '--version',
        '1',
        '--emergency',
        '--emergency-reason',
        'x',
        '--no-github'
      ],
      'GH_TOKEN (or GITHUB_TOKEN): is required'
    ],
    [
      ['rollback', '--cluster', 'c', '--service', 's', '--to', '0'],
      "--to: revision '0' is not a positive whole number"
    ],
    [
      [
        'rollback',
        '--cluster',
        'c',
        '--service',
        's',
        '--checks-interval',
        '2m',
        '--checks-timeout',
        '1m'
      ],
      "--checks-interval: 2m is longer than 'checks-timeout' (1m)"
    ],
    [['deploy', '--cluster', 'c', '--service', 's'], 'No AWS region: give --region'],
    [
      ['deploy', '--cluster', 'c', '--service', 's', '--image', '', '--container', 'web'],
      '--image: was given an empty value. Give a value, or leave the option out for its default.'
    ],
    [
      ['rollback', '--cluster', 'c', '--service', 'web\nstatus=succeeded'],
      "--service: 'web\\nstatus=succeeded' is not an ECS service name"
    ]
  ])('%p', async (argv, message) => {
    const result = await cli(argv)
    expect(result).toMatchObject({ code: EXIT.usage, stdout: '' })
    expect(result.stderr).toContain(message)
  })

  it('an option given empty is listed with the other problems of the run', async () => {
    const result = await cli(['verify', '--url', '', '--timeout', 'soon', '--config', 'none'])
    expect(result).toMatchObject({ code: EXIT.usage, stdout: '' })
    expect(result.stderr.split('\n').filter(line => line.startsWith('error '))).toEqual([
      'error --url: was given an empty value. Give a value, or leave the option out for its default.',
      expect.stringMatching(/^error --checks: not given\./),
      "error --timeout: 'soon' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m."
    ])
  })

  it('with --json: one document, the same message', async () => {
    const result = await cli([
      '--json',
      'rollback',
      '--cluster',
      'c',
      '--service',
      's',
      '--to',
      '0'
    ])
    expect(result.code).toBe(EXIT.usage)
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      exitCode: 2,
      errors: [{ message: expect.stringMatching(/^--to: revision '0'/) }]
    })
  })

  it('several bad options: every one listed in one run, each naming its option', async () => {
    const argv = [
      'deploy',
      '--service',
      's',
      '--images',
      'web',
      '--timeout',
      '30',
      '--config',
      'none'
    ]
    const result = await cli(argv)
    expect(result).toMatchObject({ code: EXIT.usage, stdout: '' })
    expect(result.stderr.split('\n').filter(line => line.startsWith('error '))).toEqual([
      'error --cluster: not given. Give the ECS cluster name or ARN.',
      "error --timeout: '30' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.",
      "error --images (line 1): 'web' is not container=image (one per line, e.g. web=nginx:1.27)."
    ])
    expect(result.stderr).toContain('3 problems; nothing was changed.')
    const json = await cli(['--json', ...argv])
    expect(JSON.parse(json.stdout)).toMatchObject({
      exitCode: 2,
      errors: [
        { message: expect.stringMatching(/^--cluster: /) },
        { message: expect.stringMatching(/^--timeout: /) },
        { message: expect.stringMatching(/^--images \(line 1\): /) }
      ]
    })
  })

  it('the token is never echoed in a message', async () => {
    const result = await cli(
      [
        'deploy',
        '--cluster',
        'c',
        '--service',
        's',
        '--environment-variables',
        'web.API_TOKEN=s3cr3t-value',
        '--images',
        'bad'
      ],
      { GH_TOKEN: 'ghp_abcdef' }
    )
    expect(result.code).toBe(EXIT.usage)
    expect(result.stderr).not.toContain('s3cr3t-value')
  })
})

describe('the config file', () => {
  it('fills in what the options leave out, and names its file and line in errors (exit 3 for the file)', async () => {
    const dir = app()
    try {
      const missing = await cli(['deploy', '--environment', 'qa'], {}, dir)
      expect(missing.code).toBe(EXIT.usage)
      expect(missing.stderr).toContain(
        "--environment: 'qa' is not an environment of .github/fargate-promote.yml"
      )
      const noFile = await cli(
        ['--config', 'missing.yml', 'deploy', '--environment', 'staging'],
        {},
        dir
      )
      expect(noFile.code).toBe(EXIT.invalidConfig)
      const status = await cli(['status', '--config', 'missing.yml'], {}, dir)
      expect(status.code).toBe(EXIT.invalidConfig)
      writeFileSync(join(dir, '.github/fargate-promote.yml'), CONFIG.replace('shop-staging', "''"))
      const broken = await cli(['deploy', '--environment', 'staging'], {}, dir)
      expect(broken.code).toBe(EXIT.invalidConfig)
      expect(broken.stderr).toMatch(
        /\.github\/fargate-promote\.yml:5(:\d+)?: environments\.staging\.cluster: /
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('names and defaults', () => {
  it('options are named as typed; the token by its variables', () => {
    expect(asOption('timeout')).toBe('--timeout')
    expect(asOption('--config')).toBe('--config')
    expect(asOption('github-token')).toBe('GH_TOKEN (or GITHUB_TOKEN)')
  })

  it('the region: --region, the environment’s, AWS_REGION, AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' }
    expect(regionOf('eu-west-3', 'eu-west-1', env)).toBe('eu-west-3')
    expect(regionOf(undefined, 'eu-west-1', env)).toBe('eu-west-1')
    expect(regionOf(undefined, undefined, env)).toBe('us-east-1')
    expect(regionOf(undefined, undefined, { AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2')
    expect(regionOf(undefined, undefined, {})).toBeUndefined()
  })
})

describe('cancellation', () => {
  it('a verify cancelled before it started reports what it saw and exits 130', async () => {
    const cancel = new AbortController()
    cancel.abort()
    const io = testIo({ clock: new FakeClock(), signal: cancel.signal })
    const code = await run(['verify', '--url', 'http://127.0.0.1:1/health', '--interval', '1s'], io)
    expect(code).toBe(EXIT.cancelled)
    expect(io.stdout.text).toMatch(/^CANCELLED: /m)
  })
})
