import { statSync } from 'node:fs'
import * as core from '@actions/core'
import {
  escapeHtml,
  escapeMultiline,
  escapeTableCell,
  isHtmlFragment,
  link,
  type HtmlFragment
} from './html.js'

/** The runner skips the upload of a step summary larger than this (1024k). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024

/** A table cell or list item: text is escaped, an HtmlFragment (e.g. from link()) is not. */
export type Cell = string | number | boolean | HtmlFragment

interface Block {
  render(): string
  /** The block cut down to fit `maxBytes`, or undefined when no useful part fits. */
  shrink?(maxBytes: number): string | undefined
}

export interface SummaryWriteOptions {
  /** Defaults to what is left of the 1 MiB step limit after the summary file's current content. */
  maxBytes?: number
}

export interface SummaryWriteResult {
  bytes: number
  truncated: boolean
}

const BLOCK_SEPARATOR = '\n\n'
const ELLIPSIS = '…'

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function cell(value: Cell): string {
  return isHtmlFragment(value) ? value.html : escapeTableCell(String(value))
}

/** Largest k in 1..n whose rendering fits (renderings grow with k), or undefined. */
function largestFitting(
  n: number,
  render: (k: number) => string,
  maxBytes: number
): string | undefined {
  let low = 0
  let best: string | undefined
  let high = n
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    const text = render(mid)
    if (bytes(text) <= maxBytes) {
      low = mid
      best = text
    } else {
      high = mid - 1
    }
  }
  return best
}

/** The first k UTF-16 units, not splitting a surrogate pair, marked as cut. */
function cutText(text: string, k: number): string {
  const end = /[\uD800-\uDBFF]/.test(text.charAt(k - 1)) ? k - 1 : k
  return text.slice(0, end) + ELLIPSIS
}

function textBlock(text: string, render: (text: string) => string): Block {
  return {
    render: () => render(text),
    shrink: maxBytes => largestFitting(text.length, k => render(cutText(text, k)), maxBytes)
  }
}

function renderTable(headers: readonly Cell[], rows: readonly (readonly Cell[])[]): string {
  const head = `<tr>${headers.map(h => `<th>${cell(h)}</th>`).join('')}</tr>`
  const body = rows.map(row => `<tr>${row.map(c => `<td>${cell(c)}</td>`).join('')}</tr>`)
  return ['<table>', head, ...body, '</table>'].join('\n')
}

function renderList(items: readonly Cell[]): string {
  return ['<ul>', ...items.map(item => `<li>${cell(item)}</li>`), '</ul>'].join('\n')
}

/** A fence longer than any backtick run in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map(run => run.length))
  return '`'.repeat(Math.max(3, longest + 1))
}

function renderCode(text: string, lang: string | undefined): string {
  const fence = fenceFor(text)
  const info = lang !== undefined && /^[\w+#.-]+$/.test(lang) ? lang : ''
  const body = text.endsWith('\n') ? text : `${text}\n`
  return `${fence}${info}\n${body}${fence}`
}

/**
 * `<pre>` opens an HTML block that only `</pre>` ends, so blank lines in the body stay inside
 * it; the escaped body cannot contain `</pre>`.
 */
function renderDetails(summaryText: string, bodyText: string): string {
  return [
    `<details><summary>${escapeMultiline(summaryText)}</summary>`,
    `<pre>${escapeHtml(bodyText)}</pre>`,
    '</details>'
  ].join(BLOCK_SEPARATOR)
}

function truncationNote(omittedBytes: number): string {
  return (
    `<p><strong>Summary truncated:</strong> ${omittedBytes} bytes were left out to stay under ` +
    `GitHub's limit of 1 MiB per step. The step log has the details.</p>`
  )
}

/** Room for the note whatever the number in it. */
const NOTE_BYTES = bytes(truncationNote(Number.MAX_SAFE_INTEGER)) + BLOCK_SEPARATOR.length

function existingSummaryBytes(): number {
  const file = process.env['GITHUB_STEP_SUMMARY']
  if (!file) return 0
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/**
 * Builds a job summary as GitHub-flavoured Markdown with HTML. Every method escapes the text
 * it is given; only raw() and HtmlFragment cells take markup.
 */
export class SummaryBuilder {
  private blocks: Block[] = []

  heading(text: string, level: 1 | 2 | 3 | 4 | 5 | 6 = 2): this {
    const tag = `h${level}`
    return this.add({ render: () => `<${tag}>${escapeHtml(text.replace(/\s+/g, ' '))}</${tag}>` })
  }

  paragraph(text: string): this {
    return this.add(textBlock(text, t => `<p>${escapeMultiline(t)}</p>`))
  }

  table(headers: readonly Cell[], rows: readonly (readonly Cell[])[]): this {
    return this.add({
      render: () => renderTable(headers, rows),
      shrink: maxBytes =>
        largestFitting(rows.length, k => renderTable(headers, rows.slice(0, k)), maxBytes)
    })
  }

  /** A collapsed section; the body is shown preformatted, e.g. a long error or an HTTP body. */
  details(summaryText: string, bodyText: string): this {
    return this.add(textBlock(bodyText, body => renderDetails(summaryText, body)))
  }

  codeBlock(text: string, lang?: string): this {
    return this.add(textBlock(text, t => renderCode(t, lang)))
  }

  list(items: readonly Cell[]): this {
    return this.add({
      render: () => renderList(items),
      shrink: maxBytes => largestFitting(items.length, k => renderList(items.slice(0, k)), maxBytes)
    })
  }

  link(text: string, url: string): this {
    return this.add({ render: () => `<p>${link(text, url).html}</p>` })
  }

  /** Trusted markup, added unescaped. Never pass outside text here. */
  raw(html: string): this {
    return this.add({ render: () => html })
  }

  toString(): string {
    return this.blocks.map(block => block.render() + BLOCK_SEPARATOR).join('')
  }

  /**
   * The summary cut to `maxBytes`: whole blocks while they fit, then as much of the next one as
   * fits (rows, items or text), then a visible note saying how much was left out.
   */
  render(maxBytes: number): { text: string; truncated: boolean } {
    const full = this.toString()
    if (bytes(full) <= maxBytes) return { text: full, truncated: false }
    if (maxBytes < NOTE_BYTES) return { text: '', truncated: true }
    const budget = maxBytes - NOTE_BYTES
    let text = ''
    for (const block of this.blocks) {
      const whole = block.render() + BLOCK_SEPARATOR
      if (bytes(text) + bytes(whole) <= budget) {
        text += whole
        continue
      }
      const room = budget - bytes(text) - BLOCK_SEPARATOR.length
      const part = block.shrink?.(room)
      if (part !== undefined) text += part + BLOCK_SEPARATOR
      break
    }
    const note = truncationNote(bytes(full) - bytes(text)) + BLOCK_SEPARATOR
    return { text: text + note, truncated: true }
  }

  /**
   * Appends the summary to the step's summary file and empties the builder. Stays under the
   * 1 MiB per-step limit, counting what earlier writes of the step already put in the file.
   */
  async write(options: SummaryWriteOptions = {}): Promise<SummaryWriteResult> {
    const maxBytes = options.maxBytes ?? SUMMARY_LIMIT_BYTES - existingSummaryBytes()
    const { text, truncated } = this.render(maxBytes)
    this.blocks = []
    if (text !== '') await core.summary.addRaw(text).write()
    return { bytes: bytes(text), truncated }
  }

  private add(block: Block): this {
    this.blocks.push(block)
    return this
  }
}

export function createSummary(): SummaryBuilder {
  return new SummaryBuilder()
}
