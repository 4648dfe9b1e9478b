import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { TOOLS_DIR } from '../src/engine/runner-env.js'
import { readRehearsalFile } from '../src/rehearsal-file.js'
import { behaviourLabel } from '../src/stand-ins/builtin.js'
import {
  cleanUp,
  job,
  onPush,
  optionsFor,
  rehearseRepo,
  step,
  tempDir,
  writeRepo
} from './fixtures/engine/repo.js'
import { rehearse } from '../src/rehearse.js'

const WORKFLOW = '.github/workflows/ci.yml'
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com'

let sim: Sim

beforeAll(async () => {
  sim = await startSim({ virtualTime: true, timeScale: 1000 })
})

afterAll(async () => {
  await sim.stop()
})

afterEach(cleanUp)

interface PushedImage {
  repository: string
  tag: string
  behaviour?: string
  digest: string
}

async function images(): Promise<PushedImage[]> {
  const response = await fetch(`${sim.url}/_sim/images`)
  return ((await response.json()) as { images: PushedImage[] }).images
}

function run(
  tool: string,
  args: string[],
  env: Record<string, string> = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      join(TOOLS_DIR, tool),
      args,
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      }
    )
  })
}

describe('docker/build-push-action: pushes to the simulator, no Docker build', () => {
  it('the digest comes from the simulator; the Dockerfile label gives the image its behaviour', async () => {
    const result = await rehearseRepo(
      {
        Dockerfile: 'FROM node:20\nLABEL fargate-promote.rehearsal.behaviour="-crash"\n',
        [WORKFLOW]: onPush(`  build:
    runs-on: ubuntu-latest
    outputs:
      digest: \${{ steps.push.outputs.digest }}
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-buildx-action@v3
      - id: push
        uses: docker/build-push-action@v6
        with:
          push: true
          tags: |
            ${REGISTRY}/shop/crashing:1.0.0
            ${REGISTRY}/shop/crashing:latest
      - id: described
        env:
          PUSHED: \${{ steps.push.outputs.digest }}
        run: |
          found=$(aws ecr describe-images --repository-name shop/crashing --image-ids imageTag=1.0.0 --query 'imageDetails[0].imageDigest' --output text)
          echo "found=$found" >> "$GITHUB_OUTPUT"
          test "$found" = "$PUSHED"
`)
      },
      { url: sim.url, scale: sim.clock.scale }
    )
    expect(result.conclusion).toBe('success')
    const push = step(result, 'build', 'push')
    expect(push.kind).toBe('stand-in')
    const digest = push.outputs.digest as string
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(push.outputs).toEqual({
      digest,
      imageid: digest,
      metadata: JSON.stringify({ 'containerimage.digest': digest })
    })
    expect(push.standIn).toBe(
      `pushed ${REGISTRY}/shop/crashing:1.0.0 to the simulator (simulated behaviour -crash): ${digest}`
    )
    expect(push.log).toBe(`(stand-in) ${push.standIn}\n`)
    expect(job(result, 'build').outputs).toEqual({ digest })
    expect(step(result, 'build', 'described').outputs).toEqual({ found: digest })
    expect(await images()).toContainEqual(
      expect.objectContaining({
        repository: `${REGISTRY}/shop/crashing`,
        tag: '1.0.0',
        behaviour: '-crash',
        digest
      })
    )
    expect(result.standIns).toEqual({
      'actions/checkout': 'the repository on disk (the rehearsal runs in it)',
      'docker/setup-buildx-action': 'nothing to set up: no Docker build',
      'docker/build-push-action':
        'pushes the image to the simulator (no Docker build); the digest is real'
    })
  })

  it('context: and file: name the Dockerfile; without a label the image behaves', async () => {
    const result = await rehearseRepo(
      {
        'app/Dockerfile.prod': 'FROM scratch\n',
        [WORKFLOW]: onPush(`  build:
    runs-on: ubuntu-latest
    steps:
      - id: push
        uses: docker/build-push-action@v6
        with:
          context: app
          file: app/Dockerfile.prod
          tags: ${REGISTRY}/shop/healthy:2.0.0, ${REGISTRY}/shop/healthy:latest
`)
      },
      { url: sim.url, scale: sim.clock.scale }
    )
    const push = step(result, 'build', 'push')
    expect(push.state).toBe('success')
    expect(push.standIn).toBe(
      `pushed ${REGISTRY}/shop/healthy:2.0.0 to the simulator: ${push.outputs.digest}`
    )
    const pushed = (await images()).find(i => i.repository === `${REGISTRY}/shop/healthy`)
    expect(pushed).toMatchObject({ tag: '2.0.0', digest: push.outputs.digest })
    expect(pushed?.behaviour).toBeUndefined()
  })

  it.each([
    ['no tags', 'push: true', 'build-push: no `tags` given.', 'no tags given'],
    [
      'no Dockerfile',
      `tags: ${REGISTRY}/shop/web:1\n          context: missing`,
      'build-push: cannot read missing/Dockerfile.',
      'no missing/Dockerfile'
    ],
    [
      'a tag the simulator refuses',
      'tags: shop/web:1',
      expect.stringMatching(
        /^the simulator refused the push of shop\/web:1: repository: must be an ECR repository URI/
      ),
      undefined
    ]
  ])('%s fails the step', async (_, inputs, reason, note) => {
    const result = await rehearseRepo(
      {
        Dockerfile: 'FROM scratch\n',
        [WORKFLOW]: onPush(`  build:
    runs-on: ubuntu-latest
    steps:
      - id: push
        uses: docker/build-push-action@v6
        with:
          ${inputs}
      - run: echo never
`)
      },
      { url: sim.url, scale: sim.clock.scale }
    )
    const push = step(result, 'build', 'push')
    expect(push).toMatchObject({ state: 'failure', reason })
    if (note !== undefined) expect(push.standIn).toBe(note)
    expect(job(result, 'build').steps[1]?.state).toBe('skipped')
    expect(job(result, 'build').state).toBe('failure')
  })

  it('an unreachable simulator fails the step with the error in its log', async () => {
    const result = await rehearseRepo({
      Dockerfile: 'FROM scratch\n',
      [WORKFLOW]: onPush(`  build:
    runs-on: ubuntu-latest
    steps:
      - id: push
        uses: docker/build-push-action@v6
        with:
          tags: ${REGISTRY}/shop/web:1
`)
    })
    const push = step(result, 'build', 'push')
    expect(push.state).toBe('failure')
    expect(push.reason).toBeDefined()
    expect(push.log).toBe(`${push.reason as string}\n`)
  })

  it('behaviourLabel reads the label quoted or not, and nothing else', () => {
    expect(behaviourLabel('LABEL fargate-promote.rehearsal.behaviour="-slow-errors"')).toBe(
      '-slow-errors'
    )
    expect(
      behaviourLabel('FROM x\n  LABEL a=b fargate-promote.rehearsal.behaviour=-crash other=1\n')
    ).toBe('-crash')
    expect(behaviourLabel('# fargate-promote.rehearsal.behaviour=-crash\nFROM x\n')).toBe('')
    expect(behaviourLabel('FROM x\n')).toBe('')
  })
})

describe('AWS stand-ins', () => {
  it('configure-aws-credentials exports AWS_REGION (and credentials) to later steps; ecr-login uses it', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo "region=[\${AWS_REGION:-unset}]" >> "$GITHUB_OUTPUT"
        id: before
      - id: creds
        uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-region: eu-west-1
          role-to-assume: arn:aws:iam::123456789012:role/deploy
      - id: after
        run: |
          echo "region=$AWS_REGION" >> "$GITHUB_OUTPUT"
          echo "default=$AWS_DEFAULT_REGION" >> "$GITHUB_OUTPUT"
          echo "endpoint=$AWS_ENDPOINT_URL" >> "$GITHUB_OUTPUT"
          echo "key=$AWS_ACCESS_KEY_ID" >> "$GITHUB_OUTPUT"
          echo "expr=\${{ env.AWS_REGION }}" >> "$GITHUB_OUTPUT"
      - id: login
        uses: aws-actions/amazon-ecr-login@v2
      - id: login-other
        uses: aws-actions/amazon-ecr-login@v2
        with:
          registries: '210987654321'
      - id: default-creds
        uses: aws-actions/configure-aws-credentials@v4
`)
      },
      { url: sim.url, scale: sim.clock.scale }
    )
    expect(result.conclusion).toBe('success')
    expect(step(result, 'deploy', 'before').outputs).toEqual({ region: '[unset]' })
    expect(step(result, 'deploy', 'creds')).toMatchObject({
      kind: 'stand-in',
      outputs: { 'aws-account-id': '123456789012' },
      standIn:
        'credentials for the simulator in eu-west-1 (would assume arn:aws:iam::123456789012:role/deploy)'
    })
    expect(step(result, 'deploy', 'after').outputs).toEqual({
      region: 'eu-west-1',
      default: 'eu-west-1',
      endpoint: sim.url,
      key: 'AKIAREHEARSAL',
      expr: 'eu-west-1'
    })
    expect(step(result, 'deploy', 'login')).toMatchObject({
      outputs: { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' },
      standIn: 'no login needed for 123456789012.dkr.ecr.eu-west-1.amazonaws.com'
    })
    expect(step(result, 'deploy', 'login-other').outputs).toEqual({
      registry: '210987654321.dkr.ecr.eu-west-1.amazonaws.com'
    })
    expect(step(result, 'deploy', 'default-creds').standIn).toBe(
      'credentials for the simulator in us-east-1'
    )
  })

  it('amazon-ecr-login before any credentials: us-east-1', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: login
        uses: aws-actions/amazon-ecr-login@v2
`)
    })
    expect(step(result, 'a', 'login').outputs).toEqual({
      registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com'
    })
  })
})

describe('other built-in stand-ins', () => {
  it('upload-artifact copies the files (a missing one is ignored); no-op stand-ins say what they stand for', async () => {
    const result = await rehearseRepo({
      'reports/health.json': '{"healthy":true}\n',
      'reports/deep/more.txt': 'more\n',
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
        with: { node-version: 20 }
      - uses: actions/setup-python@v5
      - uses: github/codeql-action/init@v3
      - uses: github/codeql-action/analyze@v3
      - id: upload
        uses: actions/upload-artifact@v4
        with:
          name: health report
          path: |
            reports/health.json
            reports/deep
            reports/missing.json
      - id: empty
        uses: actions/upload-artifact@v4
        with:
          path: nothing-here
`)
    })
    const upload = step(result, 'a', 'upload')
    expect(upload.outputs['artifact-id']).toBe('1')
    const target = (upload.outputs['artifact-url'] as string).replace(/^file:\/\//, '')
    expect(target.endsWith('/artifacts/health_report')).toBe(true)
    expect(upload.standIn).toBe(`copied reports/health.json, reports/deep to ${target}`)
    expect((await readdir(target)).sort()).toEqual(['reports_deep', 'reports_health.json'])
    expect(await readFile(join(target, 'reports_health.json'), 'utf8')).toBe('{"healthy":true}\n')
    expect(await readFile(join(target, 'reports_deep', 'more.txt'), 'utf8')).toBe('more\n')
    expect(step(result, 'a', 'empty')).toMatchObject({
      state: 'success',
      standIn: 'no files to upload'
    })
    expect(Object.keys(result.standIns).sort()).toEqual([
      'actions/setup-node',
      'actions/setup-python',
      'actions/upload-artifact',
      'github/codeql-action/analyze',
      'github/codeql-action/init'
    ])
    expect(result.standIns['actions/setup-node']).toBe("this machine's Node.js")
  })
})

describe('stand-ins declared in .github/rehearsal.yml', () => {
  const rehearsalFile = `stand-ins:
  acme/slack-notify:
    note: posts to Slack - not in a rehearsal
    outputs:
      ts: "1700000000.000100"
      channel: C123
    env:
      NOTIFIED: "yes"
  Acme/Feature-Flags/set@v1:
    outputs:
      count: 3
  acme/quiet:
  acme/structured:
    note: { says: hi }
`

  it('a declared stand-in sets its outputs and env for later steps, and is listed', async () => {
    const repoRoot = await writeRepo({
      '.github/rehearsal.yml': rehearsalFile,
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: notify
        uses: acme/slack-notify@v2
        with:
          message: hello
      - id: flags
        uses: acme/feature-flags/set@main
      - id: quiet
        uses: ACME/quiet@v0
      - id: structured
        uses: acme/structured@v0
      - id: after
        run: echo "$NOTIFIED \${{ steps.notify.outputs.ts }} \${{ steps.flags.outputs.count }}"
`)
    })
    const standIns = await readRehearsalFile(repoRoot)
    expect(standIns).toEqual({
      'acme/slack-notify': {
        note: 'posts to Slack - not in a rehearsal',
        outputs: { ts: '1700000000.000100', channel: 'C123' },
        env: { NOTIFIED: 'yes' }
      },
      'Acme/Feature-Flags/set@v1': { outputs: { count: '3' }, env: {} },
      'acme/quiet': { outputs: {}, env: {} },
      'acme/structured': { note: '{"says":"hi"}', outputs: {}, env: {} }
    })
    const result = await rehearse(optionsFor(repoRoot, { standIns }))
    expect(result.conclusion).toBe('success')
    expect(step(result, 'a', 'notify')).toMatchObject({
      kind: 'stand-in',
      standIn: 'posts to Slack - not in a rehearsal',
      outputs: { ts: '1700000000.000100', channel: 'C123' }
    })
    expect(step(result, 'a', 'quiet').standIn).toBe('declared stand-in')
    expect(step(result, 'a', 'after').log).toBe('yes 1700000000.000100 3\n')
    expect(result.standIns).toEqual({
      'acme/slack-notify': 'posts to Slack - not in a rehearsal',
      'acme/feature-flags/set': 'declared stand-in',
      'acme/quiet': 'declared stand-in',
      'acme/structured': '{"says":"hi"}'
    })
    expect(result.problems).toEqual([])
  })

  it('a declared stand-in wins over a built-in one, and its outputs are what the reference check knows', async () => {
    const repoRoot = await writeRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: checkout
        uses: actions/checkout@v4
      - run: echo "\${{ steps.checkout.outputs.commit }} \${{ steps.checkout.outputs.ref }}"
`)
    })
    const result = await rehearse(
      optionsFor(repoRoot, {
        standIns: { 'actions/checkout': { note: 'my checkout', outputs: { commit: 'abc' } } }
      })
    )
    expect(step(result, 'a', 'checkout').standIn).toBe('my checkout')
    expect(result.problems.map(p => p.message)).toEqual([
      'steps.checkout.outputs.ref is not an output of the action step checkout (its action.yml declares commit).',
      'steps.checkout.outputs.ref was read, but step checkout did not set it (GitHub gives an empty string).'
    ])
    expect(job(result, 'a').steps[1]?.log).toBe('abc \n')
  })

  it('no file: no declared stand-ins; an empty file: none either', async () => {
    expect(await readRehearsalFile(await writeRepo({}))).toEqual({})
    expect(await readRehearsalFile(await writeRepo({ '.github/rehearsal.yml': '' }))).toEqual({})
    expect(
      await readRehearsalFile(await writeRepo({ '.github/rehearsal.yml': 'other: 1\n' }))
    ).toEqual({})
  })

  it.each([
    [
      'stand-ins: [a, b]\n',
      '.github/rehearsal.yml: stand-ins must be a mapping of actions (owner/repo) to stand-ins.'
    ],
    [
      'stand-ins: just text\n',
      '.github/rehearsal.yml: stand-ins must be a mapping of actions (owner/repo) to stand-ins.'
    ],
    [
      'stand-ins:\n  acme/x:\n    outputs: [a]\n',
      '.github/rehearsal.yml: stand-ins.acme/x.outputs must be a mapping of names to values.'
    ],
    [
      'stand-ins:\n  acme/x:\n    env: text\n',
      '.github/rehearsal.yml: stand-ins.acme/x.env must be a mapping of names to values.'
    ],
    [
      'stand-ins:\n  acme/x:\n    outputs: ~\n',
      '.github/rehearsal.yml: stand-ins.acme/x.outputs must be a mapping of names to values.'
    ]
  ])('a bad file is refused: %s', async (text, message) => {
    const repoRoot = await writeRepo({ '.github/rehearsal.yml': text })
    await expect(readRehearsalFile(repoRoot)).rejects.toThrow(message)
  })

  it('a file that is not YAML is refused', async () => {
    const repoRoot = await writeRepo({ '.github/rehearsal.yml': 'stand-ins: [\n' })
    await expect(readRehearsalFile(repoRoot)).rejects.toThrow()
  })
})

describe('tool shims on the steps PATH', () => {
  it('yq -o=json . FILE prints the YAML as JSON', async () => {
    const dir = tempDir()
    const file = join(dir, 'config.yml')
    await writeFile(file, 'version: 1\nenvironments:\n  dev: { region: eu-west-1 }\n')
    const expected = `${JSON.stringify({ version: 1, environments: { dev: { region: 'eu-west-1' } } }, null, 2)}\n`
    expect(await run('yq', ['-o=json', '.', file])).toEqual({
      code: 0,
      stdout: expected,
      stderr: ''
    })
    expect(await run('yq', ['eval', '-o', 'json', '.', file])).toEqual({
      code: 0,
      stdout: expected,
      stderr: ''
    })
    expect(await run('yq', ['--output-format=json', '.', file])).toMatchObject({
      code: 0,
      stdout: expected
    })
    await writeFile(join(dir, 'empty.yml'), '')
    expect(await run('yq', ['-o=json', '.', join(dir, 'empty.yml')])).toMatchObject({
      code: 0,
      stdout: 'null\n'
    })
  })

  it('yq refuses anything else, and a file it cannot read', async () => {
    const usage = "yq (rehearsal stand-in): only `yq -o=json '.' FILE` is available\n"
    expect(await run('yq', ['.version', 'x.yml', '-o=json'])).toEqual({
      code: 1,
      stdout: '',
      stderr: usage
    })
    expect(await run('yq', ['.', 'x.yml'])).toEqual({ code: 1, stdout: '', stderr: usage })
    expect(await run('yq', ['-o=json', '.'])).toEqual({ code: 1, stdout: '', stderr: usage })
    const missing = await run('yq', ['-o=json', '.', join(tempDir(), 'missing.yml')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^Error: ENOENT/)
  })

  it('aws ecr describe-images asks the simulator, with --query and --output text', async () => {
    const repository = `${REGISTRY}/shop/tools`
    const response = await fetch(`${sim.url}/_sim/images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ repository, tag: '3.1.0' })
    })
    const { digest } = (await response.json()) as { digest: string }
    const env = { AWS_ENDPOINT_URL: sim.url }
    expect(
      await run(
        'aws',
        [
          'ecr',
          'describe-images',
          '--registry-id',
          '123456789012',
          '--repository-name',
          'shop/tools',
          '--image-ids',
          'imageTag=3.1.0',
          '--query',
          'imageDetails[0].imageDigest',
          '--output',
          'text'
        ],
        env
      )
    ).toEqual({ code: 0, stdout: `${digest}\n`, stderr: '' })
    const all = await run('aws', ['ecr', 'describe-images', '--repository-name', 'shop/tools'], env)
    expect(all.code).toBe(0)
    expect(JSON.parse(all.stdout)).toMatchObject({
      imageDetails: [expect.objectContaining({ imageDigest: digest, imageTags: ['3.1.0'] })]
    })
    const none = await run(
      'aws',
      [
        'ecr',
        'describe-images',
        '--repository-name',
        'shop/tools',
        '--query',
        'imageDetails[5].imageDigest',
        '--output',
        'text'
      ],
      env
    )
    expect(none).toEqual({ code: 0, stdout: 'None\n', stderr: '' })
  })

  it('aws: errors as the AWS CLI words them, other commands refused, an unreachable endpoint', async () => {
    const missing = await run('aws', ['ecr', 'describe-images', '--repository-name', 'shop/none'], {
      AWS_ENDPOINT_URL: sim.url
    })
    expect(missing.code).toBe(254)
    expect(missing.stderr).toMatch(
      /^An error occurred \(RepositoryNotFoundException\) when calling the DescribeImages operation: /
    )
    expect(await run('aws', ['s3', 'ls'])).toEqual({
      code: 254,
      stdout: '',
      stderr: 'aws (rehearsal stand-in): only `aws ecr describe-images` is simulated\n'
    })
    const unreachable = await run('aws', ['ecr', 'describe-images', '--repository-name', 'x'], {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9'
    })
    expect(unreachable.code).toBe(255)
    expect(unreachable.stderr).toMatch(/^Could not connect to the endpoint URL: /)
  })
})
