/*
 * Escaping for job-summary text. Untrusted text (ECS event messages, HTTP bodies, error
 * messages) must render literally: no HTML, no broken table, no markdown link or heading.
 */

import { escapeHtml, escapeTableCell } from '@fargate-promote/common'

export { escapeHtml, escapeMultiline, escapeTableCell } from '@fargate-promote/common'

/** Markup that is trusted as it is; plain strings are always escaped. */
export interface HtmlFragment {
  readonly html: string
}

export function isHtmlFragment(value: unknown): value is HtmlFragment {
  return (
    typeof value === 'object' && value !== null && typeof (value as HtmlFragment).html === 'string'
  )
}

/** Marks a trusted fragment (built by this code, never from outside text) as markup. */
export function trustedHtml(html: string): HtmlFragment {
  return { html }
}

/** An http(s) URL, normalised, or undefined for anything else (javascript:, data:, junk). */
export function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}

/** A link when the URL is http or https; otherwise just the escaped text. */
export function link(text: string, url: string): HtmlFragment {
  const href = safeUrl(url)
  const label = escapeTableCell(text)
  return { html: href === undefined ? label : `<a href="${escapeHtml(href)}">${label}</a>` }
}
