import type { Document, LineCounter, Node } from 'yaml'
import { ConfigurationError, type ConfigurationSubject } from '../errors.js'
import { loadYaml } from './yaml.js'

export type FieldPath = readonly PropertyKey[]

/** A YAML (or JSON: YAML 1.2 reads it too) text parsed with the position of every node. */
export interface PositionedText {
  readonly data: unknown
  /** 1-based line and column of a field: the value, or the key when `asKey` (unknown keys). */
  locate(path: FieldPath, asKey?: boolean): { line: number; column: number }
}

type Yaml = typeof import('yaml')

/** `environments.production.services[0].name`: the way an editor and the schema name a field. */
export function formatFieldPath(path: FieldPath): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`
      const text = String(segment)
      return index === 0 ? text : `.${text}`
    })
    .join('')
}

function keyNode(yaml: Yaml, document: Document, path: string[]): Node | undefined {
  const parent = document.getIn(path.slice(0, -1), true)
  if (!yaml.isMap(parent)) return undefined
  const last = path[path.length - 1]
  const pair = parent.items.find(
    item => String(yaml.isScalar(item.key) ? item.key.value : item.key) === last
  )
  return yaml.isNode(pair?.key) ? pair.key : undefined
}

function locator(yaml: Yaml, document: Document, counter: LineCounter): PositionedText['locate'] {
  const at = (node: Node | undefined) => {
    if (!node?.range) return undefined
    const { line, col } = counter.linePos(node.range[0])
    return { line, column: col }
  }
  return (path, asKey = false) => {
    const segments = path.map(segment => (typeof segment === 'number' ? segment : String(segment)))
    const names = segments.map(String)
    const key = asKey ? at(keyNode(yaml, document, names)) : undefined
    if (key) return key
    const value = document.getIn(segments, true)
    // An empty value (`cluster:`) has a node without source: the key's line says more.
    const empty = yaml.isScalar(value) && value.value === null && !value.source
    if (yaml.isNode(value) && value.range && !empty) return at(value) ?? { line: 1, column: 1 }
    for (let length = names.length; length > 0; length--) {
      const found = at(keyNode(yaml, document, names.slice(0, length)))
      if (found) return found
    }
    return { line: 1, column: 1 }
  }
}

/**
 * Parses YAML keeping positions, so a schema problem can name the file, line and field.
 * Duplicate keys are errors (YAML would keep the last one silently). A syntax error is a
 * ConfigurationError naming the file and line.
 */
export async function parsePositionedYaml(
  text: string,
  subject: ConfigurationSubject & { file: string }
): Promise<PositionedText> {
  const yaml = await loadYaml()
  const counter = new yaml.LineCounter()
  const document = yaml.parseDocument(text, {
    lineCounter: counter,
    uniqueKeys: true,
    prettyErrors: false
  })
  const problem = document.errors[0]
  if (problem) {
    const { line, col } = counter.linePos(problem.pos[0])
    const reason = problem.message
      .split('\n')[0]
      ?.replace(/ at line \d+, column \d+:?$/, '')
      .replace(/; please use YAML\.parseAllDocuments\(\)$/, '')
    throw new ConfigurationError(`not valid YAML at column ${col}: ${reason}.`, {
      ...subject,
      line
    })
  }
  return { data: document.toJS() as unknown, locate: locator(yaml, document, counter) }
}
