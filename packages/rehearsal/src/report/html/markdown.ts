/*
 * A step summary as a person sees it on GitHub: GitHub-flavoured Markdown (tables, task lists,
 * strikethrough) with inline HTML, rendered by marked and then reduced to inert markup.
 */

import { Marked } from 'marked'
import { sanitizeHtml } from './sanitize.js'

const markdown = new Marked({ gfm: true, breaks: false, async: false })

/** The summary's HTML, safe to put in the report. */
export function renderSummary(text: string): string {
  return sanitizeHtml(markdown.parse(text, { async: false }))
}
