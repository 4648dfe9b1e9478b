/**
 * The project's own rules for workflows (ours and the templates application repos copy), on top
 * of actionlint and GitHub's workflow parser. Each rule returns findings as `file:line rule message`;
 * every rule has a fixture under test/templates/fixtures/ that makes it fire.
 */
import { parseDocument, isMap, isSeq, isScalar, type Node, type Document } from 'yaml'

export interface Finding {
  file: string
  line: number
  rule: string
  message: string
}

/** An input of an action (action.yml) or of a reusable workflow (on.workflow_call.inputs). */
export interface InputSpec {
  required: boolean
  hasDefault: boolean
}

/** What a `uses:` target accepts and gives: inputs by name, output names. */
export interface CallableSpec {
  inputs: Map<string, InputSpec>
  outputs: Set<string>
}

export interface RuleContext {
  /** owner/repo of this project's actions (package.json config.actionsRepository). */
  ownRepository: string
  /** This project's actions by name (deploy-fargate, …), from their action.yml. */
  actions: Map<string, CallableSpec>
  /** Reusable workflows by file name (deploy.yml), called as ./.github/workflows/<name>. */
  workflows: Map<string, CallableSpec>
}

const SHA_PINNED = /^[^@\s]+@[0-9a-f]{40}$/
const VERSION_COMMENT = /#\s*v\d+\.\d+\.\d+/
const LOCAL_WORKFLOW = /^\.\/\.github\/workflows\/([^/]+\.ya?ml)$/

/** Contexts whose values a workflow author controls; anything else in `run:` is untrusted. */
const TRUSTED_REFERENCES = [
  /^runner\./,
  /^strategy\./,
  /^job\.status$/,
  /^github\.(sha|run_id|run_number|run_attempt|repository|repository_id|repository_owner|workflow|job|server_url|api_url|event_name|ref_protected|action_path|workspace)$/
]
const CONTEXT_REFERENCE =
  /\b(github|inputs|steps|needs|matrix|env|vars|secrets|runner|strategy|job|jobs)((?:\.[A-Za-z_][\w-]*|\[[^\]]*\]|\.\*)*)/g

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length
}

function get(node: unknown, key: string): unknown {
  return isMap(node) ? node.get(key, true) : undefined
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined
}

function entries(node: unknown): [string, Node][] {
  if (!isMap(node)) return []
  return node.items.map(pair => [
    String(isScalar(pair.key) ? pair.key.value : pair.key),
    pair.value as Node
  ])
}

function jobsOf(doc: Document): [string, Node][] {
  return entries(doc.get('jobs', true))
}

function stepsOf(job: unknown): Node[] {
  const steps = get(job, 'steps')
  return isSeq(steps) ? (steps.items as Node[]) : []
}

function triggersOf(doc: Document): string[] {
  const on = doc.get('on', true)
  if (isMap(on)) return entries(on).map(([name]) => name)
  if (isSeq(on)) return on.items.map(item => scalarText(item) ?? '')
  return [scalarText(on) ?? '']
}

/** `deploy-fargate` for `<own>/actions/deploy-fargate@v1`, else undefined. */
function ownAction(uses: string, ownRepository: string): string | undefined {
  const prefix = `${ownRepository}/actions/`
  return uses.startsWith(prefix) ? uses.slice(prefix.length).split('@')[0] : undefined
}

/** A step that needs the job's OIDC token: it assumes an AWS role, or signs an npm provenance. */
function usesOidc(step: unknown): boolean {
  if (scalarText(get(step, 'uses'))?.startsWith('aws-actions/configure-aws-credentials@'))
    return true
  return /\bnpm publish\b[^\n]*--provenance\b/.test(scalarText(get(step, 'run')) ?? '')
}

function environmentName(job: unknown): string | undefined {
  const environment = get(job, 'environment')
  return scalarText(environment) ?? scalarText(get(environment, 'name'))
}

class Checker {
  readonly findings: Finding[] = []
  readonly doc: Document

  constructor(
    readonly file: string,
    readonly text: string,
    readonly context: RuleContext
  ) {
    this.doc = parseDocument(text)
  }

  add(node: unknown, rule: string, message: string): void {
    const range = (node as { range?: [number, number] } | undefined)?.range
    this.findings.push({
      file: this.file,
      line: range ? lineOf(this.text, range[0]) : 1,
      rule,
      message
    })
  }

  /** A step that changes a service: deploy-fargate (not a dry run) or rollback. */
  deploys(step: unknown): boolean {
    const action = ownAction(scalarText(get(step, 'uses')) ?? '', this.context.ownRepository)
    if (action === 'rollback') return true
    return action === 'deploy-fargate' && scalarText(get(get(step, 'with'), 'dry-run')) !== 'true'
  }

  run(): Finding[] {
    this.triggers()
    this.topPermissions()
    for (const [name, job] of jobsOf(this.doc)) this.job(name, job)
    this.outputs()
    return this.findings
  }

  triggers(): void {
    const on = this.doc.get('on', true)
    for (const dangerous of ['pull_request_target', 'workflow_run']) {
      if (triggersOf(this.doc).includes(dangerous))
        this.add(
          on,
          'dangerous-trigger',
          `'${dangerous}' runs with the base repository's secrets on untrusted input.`
        )
    }
  }

  topPermissions(): void {
    const permissions = this.doc.get('permissions', true)
    if (permissions === undefined) {
      this.add(
        this.doc.contents,
        'permissions',
        'no top-level permissions: declare the minimum (contents: read) and widen per job.'
      )
      return
    }
    const text = scalarText(permissions)
    const writes = entries(permissions).filter(([, value]) => scalarText(value) === 'write')
    if (text === 'write-all' || writes.length > 0) {
      this.add(
        permissions,
        'permissions',
        `top-level permissions grant write (${text ?? writes.map(([k]) => k).join(', ')}) to every job: grant it only to the jobs that need it.`
      )
    }
  }

  job(name: string, job: Node): void {
    const secrets = get(job, 'secrets')
    if (scalarText(secrets) === 'inherit') {
      this.add(
        secrets,
        'secrets-inherit',
        `job '${name}' passes every secret with 'secrets: inherit'.`
      )
    }
    const permissions = get(job, 'permissions')
    const contentsWrite = scalarText(get(permissions, 'contents')) === 'write'
    const steps = stepsOf(job)
    const reusable = scalarText(get(job, 'uses'))
    if (
      scalarText(get(permissions, 'id-token')) === 'write' &&
      reusable === undefined &&
      !steps.some(usesOidc)
    ) {
      this.add(
        get(permissions, 'id-token'),
        'excessive-permissions',
        `job '${name}' may mint OIDC tokens (id-token: write) but neither assumes an AWS role nor publishes to npm with provenance.`
      )
    }
    if (reusable !== undefined) this.call(name, job, reusable)
    for (const step of steps) this.step(name, step, contentsWrite)
    this.deployJob(name, job, steps)
  }

  step(jobName: string, step: Node, contentsWrite: boolean): void {
    this.injection(jobName, step)
    this.anchoredChecks(jobName, step)
    const uses = get(step, 'uses')
    const ref = scalarText(uses)
    if (ref === undefined) return
    const action = ownAction(ref, this.context.ownRepository)
    if (action !== undefined) {
      const spec = this.context.actions.get(action)
      if (spec === undefined)
        this.add(uses, 'unknown-input', `'${ref}' is not an action of this project.`)
      else this.inputs(jobName, step, ref, spec, get(step, 'with'))
      return
    }
    if (ref.startsWith('./') || ref.startsWith('docker://')) return
    if (!SHA_PINNED.test(ref)) {
      this.add(uses, 'unpinned-uses', `'${ref}' is not pinned to a full commit SHA.`)
    } else {
      const lineText =
        this.text.split('\n')[lineOf(this.text, (uses as Node).range?.[0] ?? 0) - 1] ?? ''
      if (!VERSION_COMMENT.test(lineText))
        this.add(
          uses,
          'pin-comment',
          `'${ref}' needs a '# vX.Y.Z' comment naming the pinned version.`
        )
    }
    if (ref.startsWith('actions/checkout@')) {
      const persist = scalarText(get(get(step, 'with'), 'persist-credentials'))
      if (persist !== 'false' && !contentsWrite) {
        this.add(
          uses,
          'persist-credentials',
          `job '${jobName}': actions/checkout without 'persist-credentials: false' leaves the token in .git/config.`
        )
      }
    }
  }

  /** `${{ }}` of anything but a few fixed values inside a shell script or github-script. */
  injection(jobName: string, step: Node): void {
    const uses = scalarText(get(step, 'uses')) ?? ''
    const script = uses.startsWith('actions/github-script@')
      ? get(get(step, 'with'), 'script')
      : get(step, 'run')
    const text = scalarText(script)
    if (text === undefined) return
    for (const match of text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
      const expression = match[1] ?? ''
      const untrusted = [...expression.matchAll(CONTEXT_REFERENCE)]
        .map(reference => reference[0])
        .filter(reference => !TRUSTED_REFERENCES.some(pattern => pattern.test(reference)))
      if (untrusted.length > 0) {
        this.add(
          script,
          'injection',
          `job '${jobName}': '${untrusted.join("', '")}' is expanded into a script before it runs; pass it through env: and use "$VAR".`
        )
      }
    }
  }

  /**
   * A script that writes $GITHUB_OUTPUT checks its values with regexes anchored at both ends: a
   * bash `=~` with `^…$` (POSIX `$` is the end of the text), a jq `test()` with `\\A…\\z`
   * (jq's `^`/`$` also match at a new line). A value from the config checked only at its start
   * ("role/" and anything after, a new line included) could write extra output lines.
   */
  anchoredChecks(jobName: string, step: Node): void {
    const script = get(step, 'run')
    const text = scalarText(script)
    if (text === undefined || !text.includes('GITHUB_OUTPUT')) return
    const loose: string[] = []
    for (const match of text.matchAll(/=~\s+(\S+)\s*\]\]/g)) {
      const pattern = match[1] ?? ''
      if (/^"?\$\{?[A-Za-z_]\w*\}?"?$/.test(pattern)) continue
      if (!pattern.startsWith('^') || !pattern.endsWith('$')) loose.push(pattern)
    }
    for (const match of text.matchAll(/\btest\("((?:[^"\\]|\\.)*)"/g)) {
      const pattern = match[1] ?? ''
      if (!pattern.startsWith('\\\\A') || !pattern.endsWith('\\\\z')) loose.push(pattern)
    }
    if (loose.length > 0) {
      this.add(
        script,
        'unanchored-check',
        `job '${jobName}': a step that writes $GITHUB_OUTPUT checks '${loose.join("', '")}' without anchoring both ends (bash ^…$, jq \\\\A…\\\\z): a value with a new line could add outputs.`
      )
    }
  }

  inputs(jobName: string, at: Node, target: string, spec: CallableSpec, given: unknown): void {
    const names = new Set(entries(given).map(([name]) => name))
    for (const [name, value] of entries(given)) {
      if (!spec.inputs.has(name)) {
        this.add(value, 'unknown-input', `job '${jobName}': '${target}' has no input '${name}'.`)
      }
    }
    for (const [name, input] of spec.inputs) {
      if (!input.required || input.hasDefault || names.has(name)) continue
      this.add(
        get(at, 'uses') ?? at,
        'missing-input',
        `job '${jobName}': '${target}' needs the input '${name}'.`
      )
    }
  }

  call(jobName: string, job: Node, reusable: string): void {
    const local = LOCAL_WORKFLOW.exec(reusable)
    if (local === null) return
    const spec = this.context.workflows.get(local[1] ?? '')
    if (spec === undefined) {
      this.add(
        get(job, 'uses'),
        'unknown-input',
        `job '${jobName}': no reusable workflow '${reusable}'.`
      )
      return
    }
    this.inputs(jobName, job, reusable, spec, get(job, 'with'))
  }

  /** Jobs that change a service: in a GitHub environment, in a concurrency group, production by hand. */
  deployJob(name: string, job: Node, steps: Node[]): void {
    const calls = scalarText(get(job, 'uses'))
    const environment = environmentName(job)
    const production =
      environment === 'production' ||
      (calls !== undefined && scalarText(get(get(job, 'with'), 'environment')) === 'production')
    if (production && triggersOf(this.doc).some(trigger => trigger !== 'workflow_dispatch')) {
      this.add(
        get(job, 'environment') ?? get(job, 'uses'),
        'production-trigger',
        `job '${name}' deploys to production in a workflow triggered by ${triggersOf(this.doc).join(', ')}: production is promoted by hand (workflow_dispatch) only.`
      )
    }
    const deployStep = steps.find(step => this.deploys(step))
    if (deployStep === undefined) return
    if (environment === undefined) {
      this.add(
        get(deployStep, 'uses'),
        'deploy-environment',
        `job '${name}' deploys or rolls back without 'environment:': protection rules and the environment's OIDC subject apply only to jobs in an environment.`
      )
    }
    const concurrency = get(job, 'concurrency') ?? this.doc.get('concurrency', true)
    if (concurrency === undefined) {
      this.add(
        get(deployStep, 'uses'),
        'deploy-concurrency',
        `job '${name}' deploys or rolls back without a concurrency group: two runs could change the environment at once.`
      )
    } else if (scalarText(get(concurrency, 'cancel-in-progress')) === 'true') {
      this.add(
        get(concurrency, 'cancel-in-progress'),
        'deploy-concurrency',
        `job '${name}': cancel-in-progress would stop a deploy half-way; use false.`
      )
    }
  }

  /** Every needs.<job>.outputs.<name> and steps.<id>.outputs.<name> (of our actions) exists. */
  outputs(): void {
    const jobs = new Map(jobsOf(this.doc))
    const declared = (job: Node): Set<string> | undefined => {
      const local = LOCAL_WORKFLOW.exec(scalarText(get(job, 'uses')) ?? '')
      if (local !== null) return this.context.workflows.get(local[1] ?? '')?.outputs
      return new Set(entries(get(job, 'outputs')).map(([name]) => name))
    }
    const check = (node: Node, text: string, stepsOfJob: Node[]): void => {
      for (const match of text.matchAll(/\b(needs|jobs)\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const job = jobs.get(match[2] ?? '')
        const names = job === undefined ? undefined : declared(job)
        if (job === undefined || (names !== undefined && !names.has(match[3] ?? ''))) {
          this.add(node, 'unknown-output', `'${match[0]}' is not an output of job '${match[2]}'.`)
        }
      }
      for (const match of text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const step = stepsOfJob.find(candidate => scalarText(get(candidate, 'id')) === match[1])
        const action = ownAction(scalarText(get(step, 'uses')) ?? '', this.context.ownRepository)
        const spec = action === undefined ? undefined : this.context.actions.get(action)
        if (step === undefined || (spec !== undefined && !spec.outputs.has(match[2] ?? ''))) {
          this.add(node, 'unknown-output', `'${match[0]}' is not an output of a step of this job.`)
        }
      }
    }
    const visit = (node: unknown, stepsOfJob: Node[]): void => {
      if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${{')) {
        check(node, node.value, stepsOfJob)
      } else if (isMap(node)) {
        for (const pair of node.items) visit(pair.value, stepsOfJob)
      } else if (isSeq(node)) {
        for (const item of node.items) visit(item, stepsOfJob)
      }
    }
    for (const [, job] of jobs) visit(job, stepsOf(job))
    // on.workflow_call.outputs.<name>.value reads jobs.<id>.outputs.<name>.
    visit(get(get(this.doc.get('on', true), 'workflow_call'), 'outputs'), [])
  }
}

export function checkWorkflow(file: string, text: string, context: RuleContext): Finding[] {
  return new Checker(file, text, context).run()
}

/** An action.yml or a reusable workflow's workflow_call, as the rules need it. */
export function callableOf(text: string): CallableSpec {
  const doc = parseDocument(text)
  const call = get(doc.get('on', true), 'workflow_call')
  const source = call !== undefined ? call : doc.contents
  const inputs = new Map<string, InputSpec>()
  for (const [name, input] of entries(get(source, 'inputs'))) {
    inputs.set(name, {
      required: scalarText(get(input, 'required')) === 'true',
      hasDefault: get(input, 'default') !== undefined
    })
  }
  return { inputs, outputs: new Set(entries(get(source, 'outputs')).map(([name]) => name)) }
}

/** Whether a YAML text is a workflow (has `jobs:`), as opposed to a config or Dependabot file. */
export function isWorkflow(text: string): boolean {
  const doc = parseDocument(text)
  return isMap(doc.contents) && doc.has('jobs')
}
