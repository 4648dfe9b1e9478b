/**
 * action-manifest.md's "AWS permissions" of deploy-fargate (from actions/deploy-fargate/
 * manifest.yml) name every AWS API the deploy and the progressive delivery code calls: each
 * command sent by packages/ecs/src/deploy and packages/ecs/src/progressive, and by the
 * packages/ecs modules they import (rollback, observation, task definitions), found in the source
 * and matched to its service by the AWS SDK client that exports it. A role built from the
 * manifest must not fail half-way through a canary with AccessDenied.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import * as cloudwatch from '@aws-sdk/client-cloudwatch'
import * as ecs from '@aws-sdk/client-ecs'
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2'
import { parse } from 'yaml'

const root = new URL('../..', import.meta.url).pathname
const ecsSource = join(root, 'packages/ecs/src')

/** The IAM prefix of each SDK client, by the commands it exports. */
const clients: [prefix: string, exports: Record<string, unknown>][] = [
  ['ecs', ecs],
  ['elasticloadbalancing', elb],
  ['cloudwatch', cloudwatch]
]

/** `from './x.js'` imports of values (type-only imports send nothing), resolved to .ts files. */
function relativeImports(file: string, text: string): string[] {
  const found = text.matchAll(/^import (?!type )[^;]*?from '(\.{1,2}\/[^']+)\.js'/gm)
  return [...found].map(match => resolve(dirname(file), `${match[1] ?? ''}.ts`))
}

/** Every source file reachable from `start` through relative imports inside packages/ecs. */
function reachable(start: string[]): Map<string, string> {
  const files = new Map<string, string>()
  const queue = [...start]
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (files.has(file) || !file.startsWith(ecsSource)) continue
    const text = readFileSync(file, 'utf8')
    files.set(file, text)
    queue.push(...relativeImports(file, text))
  }
  return files
}

/** The IAM actions of the commands the files name (`XCommand`, not `XCommandInput`). */
function iamActions(files: Map<string, string>): Set<string> {
  const actions = new Set<string>()
  for (const [file, text] of files) {
    for (const [, name = ''] of text.matchAll(/\b([A-Z][A-Za-z0-9]+)Command\b/g)) {
      const client = clients.find(([, exports]) => `${name}Command` in exports)
      if (client === undefined) throw new Error(`${file}: ${name}Command is no known AWS command`)
      actions.add(`${client[0]}:${name}`)
    }
  }
  return actions
}

describe("deploy-fargate's AWS permissions", () => {
  const folders = ['deploy', 'progressive'].map(folder => join(ecsSource, folder))
  const sources = reachable(
    folders.flatMap(folder =>
      readdirSync(folder)
        .filter(name => name.endsWith('.ts'))
        .map(name => join(folder, name))
    )
  )
  const called = iamActions(sources)
  const manifest = parse(
    readFileSync(join(root, 'actions/deploy-fargate/manifest.yml'), 'utf8')
  ) as { iam: { action: string; why: string }[] }
  const listed = manifest.iam.map(entry => entry.action)

  test('the scan sees the deploy, the canary analysis and the pauses', () => {
    expect([...called]).toEqual(
      expect.arrayContaining([
        'ecs:UpdateService',
        'ecs:ContinueServiceDeployment',
        'cloudwatch:GetMetricData',
        'elasticloadbalancing:DescribeRules'
      ])
    )
  })

  test('manifest.yml lists every AWS API the code calls, once, with why', () => {
    expect([...called].filter(action => !listed.includes(action))).toEqual([])
    expect(new Set(listed).size).toBe(listed.length)
    for (const entry of manifest.iam) expect(entry.why.trim()).not.toBe('')
  })

  test('action-manifest.md shows them (npm run manifest ran)', () => {
    const text = readFileSync(join(root, 'action-manifest.md'), 'utf8')
    const section = text.slice(text.indexOf('## deploy-fargate'), text.indexOf('## health-verify'))
    for (const action of called) expect(section).toContain(`| \`${action}\` |`)
  })
})
