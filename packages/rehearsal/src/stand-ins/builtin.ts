import { cp, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { StandIn, StandInContext, StandInDeclaration } from './types.js'

const ACCOUNT = '123456789012'

function noOp(description: string, outputs: Record<string, string> = {}): StandIn {
  return {
    description,
    outputs: Object.keys(outputs),
    run: () => Promise.resolve({ note: description, outputs })
  }
}

const credentials: StandIn = {
  description: 'credentials for the simulator (no role is assumed)',
  outputs: ['aws-account-id'],
  run: ({ with: inputs, simUrl }) => {
    const region = inputs['aws-region'] ?? 'us-east-1'
    const role = inputs['role-to-assume'] ?? ''
    return Promise.resolve({
      note: `credentials for the simulator in ${region}${role ? ` (would assume ${role})` : ''}`,
      outputs: { 'aws-account-id': ACCOUNT },
      env: {
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: 'AKIAREHEARSAL',
        AWS_SECRET_ACCESS_KEY: 'rehearsal-secret-key',
        AWS_SESSION_TOKEN: 'rehearsal-session',
        AWS_ENDPOINT_URL: simUrl
      }
    })
  }
}

const ecrLogin: StandIn = {
  description: 'no login: the simulator takes any credentials',
  outputs: ['registry'],
  run: ({ with: inputs, env }) => {
    const registry = `${inputs.registries || ACCOUNT}.dkr.ecr.${env.AWS_REGION ?? 'us-east-1'}.amazonaws.com`
    return Promise.resolve({ note: `no login needed for ${registry}`, outputs: { registry } })
  }
}

/** The simulated behaviour a rehearsal gives the image, from the Dockerfile's label. */
export function behaviourLabel(dockerfile: string): string {
  const match = /^\s*LABEL\s+.*\bfargate-promote\.rehearsal\.behaviour=("([^"]*)"|(\S*))/m.exec(
    dockerfile
  )
  return match?.[2] ?? match?.[3] ?? ''
}

async function pushImage(context: StandInContext, image: string, behaviour: string) {
  const at = image.lastIndexOf(':')
  const repository = at > image.lastIndexOf('/') ? image.slice(0, at) : image
  const tag = at > image.lastIndexOf('/') ? image.slice(at + 1) : 'latest'
  const response = await fetch(`${context.simUrl}/_sim/images`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repository, tag, ...(behaviour && { behaviour }) }),
    signal: context.signal
  })
  const body = (await response.json()) as { digest?: string; message?: string }
  if (!response.ok || body.digest === undefined) {
    throw new Error(
      `the simulator refused the push of ${image}: ${body.message ?? response.status}`
    )
  }
  return body.digest
}

const buildPush: StandIn = {
  description: 'pushes the image to the simulator (no Docker build); the digest is real',
  outputs: ['digest', 'imageid', 'metadata'],
  run: async context => {
    const tags = (context.with.tags ?? '')
      .split(/[\n,]/)
      .map(t => t.trim())
      .filter(Boolean)
    const first = tags[0]
    if (first === undefined)
      return { note: 'no tags given', failure: 'build-push: no `tags` given.' }
    const buildContext = context.with.context || '.'
    const file = context.with.file || join(buildContext, 'Dockerfile')
    let dockerfile: string
    try {
      dockerfile = await readFile(join(context.workspace, file), 'utf8')
    } catch {
      return { note: `no ${file}`, failure: `build-push: cannot read ${file}.` }
    }
    const behaviour = behaviourLabel(dockerfile)
    const digest = await pushImage(context, first, behaviour)
    const described = behaviour ? ` (simulated behaviour ${behaviour})` : ''
    return {
      note: `pushed ${first} to the simulator${described}: ${digest}`,
      outputs: {
        digest,
        imageid: digest,
        metadata: JSON.stringify({ 'containerimage.digest': digest })
      }
    }
  }
}

const uploadArtifact: StandIn = {
  description: "copies the files into the rehearsal's artifacts folder",
  outputs: ['artifact-id', 'artifact-url'],
  run: async ({ with: inputs, workspace, artifacts }) => {
    const name = inputs.name || 'artifact'
    const target = join(artifacts, name.replace(/[^A-Za-z0-9._-]/g, '_'))
    await mkdir(target, { recursive: true })
    const copied: string[] = []
    for (const path of (inputs.path ?? '')
      .split('\n')
      .map(p => p.trim())
      .filter(Boolean)) {
      try {
        await cp(join(workspace, path), join(target, path.replace(/\//g, '_')), { recursive: true })
        copied.push(path)
      } catch {
        // if-no-files-found: ignore is how the templates upload reports.
      }
    }
    return {
      note: copied.length > 0 ? `copied ${copied.join(', ')} to ${target}` : 'no files to upload',
      outputs: { 'artifact-id': '1', 'artifact-url': `file://${target}` }
    }
  }
}

/** The stand-ins every rehearsal has, by action (owner/repo[/path], without @ref, lower case). */
export const BUILTIN_STAND_INS: Record<string, StandIn> = {
  'actions/checkout': noOp('the repository on disk (the rehearsal runs in it)'),
  'actions/setup-node': noOp("this machine's Node.js"),
  'actions/setup-python': noOp("this machine's Python"),
  'aws-actions/configure-aws-credentials': credentials,
  'aws-actions/amazon-ecr-login': ecrLogin,
  'docker/setup-buildx-action': noOp('nothing to set up: no Docker build'),
  'docker/build-push-action': buildPush,
  'actions/upload-artifact': uploadArtifact,
  'github/codeql-action/init': noOp('not run: code scanning needs GitHub'),
  'github/codeql-action/analyze': noOp('not run: code scanning needs GitHub')
}

/** A stand-in declared in `.github/rehearsal.yml`. */
export function declaredStandIn(declaration: StandInDeclaration): StandIn {
  const note = declaration.note ?? 'declared stand-in'
  return {
    description: note,
    outputs: Object.keys(declaration.outputs ?? {}),
    run: () =>
      Promise.resolve({
        note,
        outputs: declaration.outputs ?? {},
        ...(declaration.env !== undefined && { env: declaration.env })
      })
  }
}

/** `owner/repo/path@ref` → `owner/repo/path`, lower case. */
export function actionKey(uses: string): string {
  const at = uses.indexOf('@')
  return (at >= 0 ? uses.slice(0, at) : uses).toLowerCase()
}
