/**
 * Runs a template step's `run:` script the way the runner does (`bash --noprofile --norc -eo
 * pipefail`), in a scratch workspace, with the runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * RUNNER_TEMP) and two stand-ins on the PATH: `yq -o=json . FILE` (mikefarah's yq on GitHub's
 * runners; here the `yaml` package) and `gh api PATH` (answers from `api`, keyed by the path
 * after repos/<owner>/<repo>/; any other request fails the script). bash, jq and GNU date are the
 * machine's own, as on the runner.
 */
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export interface StepRun {
  status: number | null
  stdout: string
  stderr: string
  /** GITHUB_OUTPUT as GitHub reads it: name=value lines and name<<DELIMITER blocks. */
  outputs: Record<string, string>
  /** The lines of GITHUB_OUTPUT, as written. */
  outputText: string
  summary: string
  /** The `gh api` paths requested, in order (after repos/<owner>/<repo>/). */
  requests: string[]
  /** The workspace files named in `collect`, after the run ('' when absent). */
  collected: Record<string, string>
}

export interface StepOptions {
  env?: Record<string, string>
  /** Files of the workspace (the checkout), by relative path. */
  files?: Record<string, string>
  api?: Record<string, unknown>
  /** Workspace files to read back after the run. */
  collect?: string[]
}

const REPOSITORY = 'acme/shop'
const yamlModule = createRequire(import.meta.url).resolve('yaml')

const YQ = `#!/usr/bin/env node
const { readFileSync } = require('node:fs')
const { parse } = require(${JSON.stringify(yamlModule)})
const args = process.argv.slice(2)
if (args.length !== 3 || args[0] !== '-o=json' || args[1] !== '.') {
  console.error('yq stand-in: only yq -o=json . FILE, not ' + args.join(' '))
  process.exit(2)
}
process.stdout.write(JSON.stringify(parse(readFileSync(args[2], 'utf8')) ?? null) + '\\n')
`

const GH = `#!/usr/bin/env node
const { readFileSync, appendFileSync } = require('node:fs')
const api = JSON.parse(readFileSync(process.env.GH_STAND_IN_API, 'utf8'))
const [command, path, ...rest] = process.argv.slice(2)
const prefix = 'repos/' + process.env.GITHUB_REPOSITORY + '/'
const key = (path || '').startsWith(prefix) ? path.slice(prefix.length) : undefined
appendFileSync(process.env.GH_STAND_IN_LOG, (key ?? path) + '\\n')
if (command !== 'api' || rest.length > 0 || key === undefined || !(key in api)) {
  console.error('gh stand-in: no answer for gh ' + process.argv.slice(2).join(' '))
  process.exit(1)
}
process.stdout.write(JSON.stringify(api[key]))
`

/** GITHUB_OUTPUT's format; a line that is neither form is an error, as on GitHub. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const block = /^([^=]+?)<<(.+)$/.exec(line)
    if (block !== null) {
      const [, name = '', delimiter] = block
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: '${name}' has no closing ${delimiter}`)
      outputs[name] = value.join('\n')
      continue
    }
    const equals = line.indexOf('=')
    if (equals <= 0) throw new Error(`GITHUB_OUTPUT: not an output line: ${JSON.stringify(line)}`)
    outputs[line.slice(0, equals)] = line.slice(equals + 1)
  }
  return outputs
}

export function runStep(script: string | undefined, options: StepOptions = {}): StepRun {
  if (script === undefined) throw new Error('no script to run')
  const scratch = mkdtempSync(join(tmpdir(), 'template-step-'))
  try {
    const bin = join(scratch, 'bin')
    const workspace = join(scratch, 'workspace')
    const temp = join(scratch, 'temp')
    for (const dir of [bin, workspace, temp]) mkdirSync(dir, { recursive: true })
    for (const [name, text] of [
      ['yq', YQ],
      ['gh', GH]
    ] as const) {
      writeFileSync(join(bin, name), text)
      chmodSync(join(bin, name), 0o755)
    }
    for (const [path, text] of Object.entries(options.files ?? {})) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true })
      writeFileSync(join(workspace, path), text)
    }
    const file = (name: string, text = '') => {
      writeFileSync(join(scratch, name), text)
      return join(scratch, name)
    }
    const outputFile = file('output')
    const summaryFile = file('summary')
    const logFile = file('gh.log')
    const scriptFile = file('step.sh', script)
    const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: scratch,
        LANG: 'C.UTF-8',
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        GITHUB_RUN_ID: '4242',
        RUNNER_TEMP: temp,
        GH_STAND_IN_API: file('api.json', JSON.stringify(options.api ?? {})),
        GH_STAND_IN_LOG: logFile,
        ...options.env
      }
    })
    const outputText = readFileSync(outputFile, 'utf8')
    const collected = Object.fromEntries(
      (options.collect ?? []).map(path => {
        const full = join(workspace, path)
        return [path, existsSync(full) ? readFileSync(full, 'utf8') : '']
      })
    )
    return {
      status: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
      outputs: run.status === 0 ? parseOutputs(outputText) : {},
      outputText,
      summary: readFileSync(summaryFile, 'utf8'),
      requests: readFileSync(logFile, 'utf8').split('\n').filter(Boolean),
      collected
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
