/**
 * The world the canaries are planted in: the e2e scenario with secret environment values and
 * `secrets` on the live `web` revision, a workspace (a task-definition file, a config file
 * whose checks carry auth headers and URL passwords), and an HTTP endpoint that wants those
 * credentials and, when it fails, echoes the request back as echo services do.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse, stringify } from 'yaml'
import { repoRoot } from '../../e2e/run-action.js'
import { basic, withPassword, type Purpose } from './canaries.js'

export type Canaries = Record<Purpose, string>

/** A container's secret-looking environment and its `secrets`, all canaries. */
export function secretEnvironment(canaries: Canaries) {
  return {
    environment: [
      { name: 'APP_VERSION', value: '1.0.0' },
      { name: 'DB_PASSWORD', value: canaries['db-password'] },
      { name: 'API_TOKEN', value: canaries['api-token'] },
      { name: 'AWS_SECRET_ACCESS_KEY', value: canaries['aws-secret-key'] }
    ],
    secrets: [
      {
        name: 'SESSION_KEY',
        valueFrom: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${canaries['secret-arn']}`
      }
    ]
  }
}

/** test/fixtures/e2e.yml with the canaries in the environment and secrets of web's revision. */
export function scenario(canaries: Canaries): object {
  const world = parse(readFileSync(join(repoRoot, 'test/fixtures/e2e.yml'), 'utf8')) as {
    taskDefinitions: { family: string; containerDefinitions: Record<string, unknown>[] }[]
  }
  const web = world.taskDefinitions.find(definition => definition.family === 'web')
  Object.assign(web?.containerDefinitions[0] ?? {}, secretEnvironment(canaries))
  return world
}

export interface Endpoint {
  /** `http://127.0.0.1:<port>`: `/health` answers 200, `/broken` 500 with the request echoed. */
  url: string
  stop(): Promise<void>
}

export async function startEndpoint(): Promise<Endpoint> {
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/health')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
      return
    }
    // What an echo service (httpbin's /anything) answers: the request, headers and all.
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'broken', url: req.url, headers: req.headers }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

/**
 * Checks that carry every kind of credential: a bearer header, a basic-auth header, a URL
 * password, and a command whose secret env it prints plain and base64-encoded. `path` is
 * `health` (they pass) or `broken` (the HTTP ones fail, echoing the request).
 */
export function checksYaml(canaries: Canaries, endpoint: string, path: string): string {
  return stringify([
    {
      name: 'bearer',
      http: {
        url: `${endpoint}/${path}?via=bearer`,
        headers: { Authorization: `Bearer ${canaries.bearer}` }
      }
    },
    {
      name: 'basic',
      http: {
        url: `${endpoint}/${path}?via=basic`,
        headers: { Authorization: `Basic ${basic(canaries['basic-password'])}` }
      }
    },
    {
      name: 'url-password',
      http: { url: withPassword(`${endpoint}/${path}?via=url`, canaries['url-password']) }
    },
    {
      name: 'command',
      command: {
        run: `echo "token $API_TOKEN"; printf %s "$API_TOKEN" | base64; test ${path} = health`,
        env: { API_TOKEN: canaries['command-env'] }
      }
    }
  ])
}

/** The config file: staging's checks carry their own canaries. */
export function configYaml(canaries: Canaries, endpoint: string): string {
  return stringify({
    version: 1,
    application: 'shop',
    environments: {
      staging: {
        region: 'eu-west-1',
        cluster: 'staging',
        services: [{ name: 'web', containers: ['web'] }],
        url: withPassword(endpoint, canaries['config-url-password']),
        soak: '0s',
        checks: [
          {
            name: 'config-bearer',
            http: {
              url: `${endpoint}/health?via=config`,
              headers: { 'X-Api-Key': canaries['config-bearer'] }
            }
          },
          {
            name: 'config-url',
            http: { url: withPassword(`${endpoint}/health`, canaries['config-url-password']) }
          }
        ]
      }
    }
  })
}

export interface Workspace {
  root: string
  remove(): void
}

/** A workspace with the config file, a task-definition file and the checks files. */
export function createWorkspace(canaries: Canaries, endpoint: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'secrets-workspace-'))
  const files: Record<string, string> = {
    '.github/fargate-promote.yml': configYaml(canaries, endpoint),
    'td.json': JSON.stringify({
      family: 'web',
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      containerDefinitions: [
        {
          name: 'web',
          image: 'registry.example.com/shop/web:1.1.0',
          essential: true,
          portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
          ...secretEnvironment(canaries)
        }
      ]
    }),
    'checks-pass.yml': checksYaml(canaries, endpoint, 'health'),
    'checks-fail.yml': checksYaml(canaries, endpoint, 'broken')
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) }
}
