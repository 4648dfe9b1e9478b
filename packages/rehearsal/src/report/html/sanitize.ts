/*
 * The HTML of a rendered step summary, reduced to inert markup. Summaries are written by steps,
 * and a step runs whatever the workflow (or a pull request) tells it to, so nothing in them is
 * trusted. The markup is parsed as a browser parses it (parse5 follows the HTML standard's
 * parsing algorithm, in the context of a <div> as in the report), and written out again from an
 * allowlist: elements for text, tables, lists, code and <details>; attributes that cannot run
 * or load anything; links only to http(s). Everything else is dropped: <script>, <style>,
 * <iframe>, <svg> and the like with all they contain, other unknown elements leaving their text,
 * images leaving their alt text (the report loads nothing from outside).
 */

import { defaultTreeAdapter, html, parseFragment, type DefaultTreeAdapterTypes } from 'parse5'
import { escapeHtml } from '@fargate-promote/common'

type Node = DefaultTreeAdapterTypes.ChildNode
type Element = DefaultTreeAdapterTypes.Element

/** Allowed elements, each with the attributes it may keep. */
const ALLOWED: Record<string, readonly string[]> = {
  a: ['href', 'title'],
  abbr: ['title'],
  b: [],
  blockquote: [],
  br: [],
  caption: [],
  code: [],
  dd: [],
  del: [],
  details: ['open'],
  div: [],
  dl: [],
  dt: [],
  em: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  hr: [],
  i: [],
  input: ['type', 'checked'],
  ins: [],
  kbd: [],
  li: [],
  mark: [],
  ol: ['start'],
  p: [],
  pre: [],
  q: [],
  s: [],
  samp: [],
  small: [],
  span: [],
  strong: [],
  sub: [],
  summary: [],
  sup: [],
  table: [],
  tbody: [],
  td: ['align', 'colspan', 'rowspan'],
  tfoot: [],
  th: ['align', 'colspan', 'rowspan', 'scope'],
  thead: [],
  tr: [],
  ul: []
}

/** Dropped with everything inside: code, styles, frames, forms' fields, foreign content. */
const DROPPED = new Set([
  'script',
  'style',
  'template',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'noscript',
  'noembed',
  'noframes',
  'textarea',
  'select',
  'title',
  'xmp',
  'plaintext',
  'svg',
  'math',
  'head',
  'meta',
  'link',
  'base',
  'audio',
  'video',
  'canvas'
])

const VOID = new Set(['br', 'hr', 'input'])

/** Nesting deeper than this is kept as its text only (no recursion without bound). */
const MAX_DEPTH = 64

const VALUE_RULES: Record<string, (value: string) => string | undefined> = {
  href: value => safeHref(value),
  align: value => (/^(left|center|right|justify)$/i.test(value) ? value.toLowerCase() : undefined),
  colspan: value => (/^\d{1,3}$/.test(value) ? value : undefined),
  rowspan: value => (/^\d{1,3}$/.test(value) ? value : undefined),
  start: value => (/^-?\d{1,9}$/.test(value) ? value : undefined),
  scope: value => (/^(row|col|rowgroup|colgroup)$/i.test(value) ? value.toLowerCase() : undefined),
  type: value => (value.toLowerCase() === 'checkbox' ? 'checkbox' : undefined),
  open: () => '',
  checked: () => '',
  title: value => value
}

/** An absolute http(s) URL, normalised; anything else (javascript:, data:, relative) is refused. */
export function safeHref(value: string): string | undefined {
  try {
    const url = new URL(value.trim())
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

function isElement(node: Node): node is Element {
  return 'tagName' in node
}

function textOf(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterTypes.TextNode).value
  let text = ''
  const stack: Node[] = [node]
  while (stack.length > 0) {
    const next = stack.pop() as Node
    if (next.nodeName === '#text') text += (next as DefaultTreeAdapterTypes.TextNode).value
    else if (isElement(next) && !DROPPED.has(next.tagName))
      stack.push(...[...next.childNodes].reverse())
  }
  return text
}

function attributesOf(element: Element): string {
  const allowed = ALLOWED[element.tagName] ?? []
  const kept: string[] = []
  for (const { name, value } of element.attrs) {
    if (!allowed.includes(name)) continue
    const safe = VALUE_RULES[name]?.(value)
    if (safe !== undefined) kept.push(safe === '' ? name : `${name}="${escapeHtml(safe)}"`)
  }
  if (element.tagName === 'a' && kept.some(attr => attr.startsWith('href='))) {
    kept.push('rel="noopener noreferrer nofollow"')
  }
  if (element.tagName === 'input') kept.push('disabled')
  return kept.map(attr => ` ${attr}`).join('')
}

function elementHtml(element: Element, depth: number): string {
  const tag = element.tagName
  if (element.namespaceURI !== html.NS.HTML || DROPPED.has(tag)) return ''
  if (tag === 'img') {
    const alt = element.attrs.find(attr => attr.name === 'alt')?.value ?? ''
    return alt === '' ? '' : escapeHtml(alt)
  }
  if (
    tag === 'input' &&
    !element.attrs.some(a => a.name === 'type' && VALUE_RULES['type']?.(a.value))
  ) {
    return ''
  }
  const inner =
    depth >= MAX_DEPTH
      ? escapeHtml(textOf(element))
      : element.childNodes.map(child => nodeHtml(child, depth + 1)).join('')
  if (ALLOWED[tag] === undefined) return inner
  if (VOID.has(tag)) return `<${tag}${attributesOf(element)}>`
  // The parser drops one line break right after <pre>; one written back keeps a leading one.
  const lead = tag === 'pre' && inner.startsWith('\n') ? '\n' : ''
  return `<${tag}${attributesOf(element)}>${lead}${inner}</${tag}>`
}

function nodeHtml(node: Node, depth: number): string {
  if (node.nodeName === '#text') return escapeHtml((node as DefaultTreeAdapterTypes.TextNode).value)
  return isElement(node) ? elementHtml(node, depth) : ''
}

/** `markup` with only allowlisted elements and attributes, every text escaped. */
export function sanitizeHtml(markup: string): string {
  const context = defaultTreeAdapter.createElement('div', html.NS.HTML, [])
  const fragment = parseFragment(context, markup, {})
  return fragment.childNodes.map(node => nodeHtml(node, 0)).join('')
}
