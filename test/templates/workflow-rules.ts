/**
 * The project's own rules for workflows (ours and the templates application repos copy), on top
 * of actionlint and GitHub's workflow parser. Each rule returns findings as `file:line message`.
 */
import { parseDocument, isMap, isSeq, isScalar, type Node, type Document } from 'yaml'

export interface Finding {
  file: string
  line: number
  rule: string
  message: string
}

const SHA_PINNED = /^[^@\s]+@[0-9a-f]{40}$/
const VERSION_COMMENT = /#\s*v\d+\.\d+\.\d+/

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length
}

function get(node: unknown, key: string): unknown {
  return isMap(node) ? node.get(key, true) : undefined
}

function jobsOf(doc: Document): [string, Node][] {
  const jobs = doc.get('jobs', true)
  if (!isMap(jobs)) return []
  return jobs.items.map(pair => [
    String(isScalar(pair.key) ? pair.key.value : pair.key),
    pair.value as Node
  ])
}

export function checkWorkflow(file: string, text: string, ownRepository: string): Finding[] {
  const findings: Finding[] = []
  const doc = parseDocument(text)
  const add = (node: unknown, rule: string, message: string): void => {
    const range = (node as { range?: [number, number] } | undefined)?.range
    findings.push({ file, line: range ? lineOf(text, range[0]) : 1, rule, message })
  }

  const on = doc.get('on', true)
  const triggers = isMap(on)
    ? on.items.map(p => String(isScalar(p.key) ? p.key.value : ''))
    : [String(isScalar(on) ? on.value : '')]
  for (const dangerous of ['pull_request_target', 'workflow_run']) {
    if (triggers.includes(dangerous))
      add(
        on,
        'dangerous-trigger',
        `'${dangerous}' runs with the base repository's secrets on untrusted input.`
      )
  }
  if (!doc.has('permissions'))
    add(
      doc.contents,
      'permissions',
      'no top-level permissions: declare the minimum (e.g. contents: read).'
    )

  for (const [jobName, job] of jobsOf(doc)) {
    if (
      get(job, 'secrets') !== undefined &&
      isScalar(get(job, 'secrets')) &&
      (get(job, 'secrets') as { value: unknown }).value === 'inherit'
    ) {
      add(
        get(job, 'secrets'),
        'secrets-inherit',
        `job '${jobName}' passes every secret with 'secrets: inherit'.`
      )
    }
    const jobPermissions = get(job, 'permissions')
    const contentsWrite =
      isMap(jobPermissions) && String(jobPermissions.get('contents')) === 'write'
    const steps = get(job, 'steps')
    if (!isSeq(steps)) continue
    for (const step of steps.items) {
      const uses = get(step, 'uses')
      if (!isScalar(uses)) continue
      const ref = String(uses.value)
      if (
        ref.startsWith('./') ||
        ref.startsWith('docker://') ||
        ref.startsWith(`${ownRepository}/`)
      )
        continue
      if (!SHA_PINNED.test(ref)) {
        add(uses, 'unpinned-uses', `'${ref}' is not pinned to a full commit SHA.`)
      } else {
        const lineText = text.split('\n')[lineOf(text, uses.range?.[0] ?? 0) - 1] ?? ''
        if (!VERSION_COMMENT.test(lineText))
          add(uses, 'pin-comment', `'${ref}' needs a '# vX.Y.Z' comment naming the pinned version.`)
      }
      if (ref.startsWith('actions/checkout@')) {
        const persist = get(get(step, 'with'), 'persist-credentials')
        const persisted = !isScalar(persist) || String(persist.value) !== 'false'
        if (persisted && !contentsWrite) {
          add(
            uses,
            'persist-credentials',
            `job '${jobName}': actions/checkout without 'persist-credentials: false' leaves the token in .git/config.`
          )
        }
      }
    }
  }
  return findings
}
