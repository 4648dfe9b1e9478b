/*
 * Escaping for markdown that GitHub renders (job summaries, check-run summaries). Untrusted
 * text (ECS event messages, HTTP bodies, check names, error messages) must render literally:
 * no HTML, no broken table, no markdown link or heading.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, char => HTML_ESCAPES[char] as string)
}

/**
 * Escaped, with line breaks as <br>. Inside an HTML block a blank line would end the block and
 * let the rest be read as markdown, so no raw newline may survive.
 */
export function escapeMultiline(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>')
}

/**
 * Safe in an HTML table cell and in a markdown table cell or list item: `|` would end a
 * markdown cell, and `[` `]` could make a link of text such as `[Approve](https://…)` from an
 * HTTP body. Numeric entities render as the character itself in both.
 */
export function escapeTableCell(text: string): string {
  return escapeMultiline(text)
    .replace(/\|/g, '&#124;')
    .replace(/\[/g, '&#91;')
    .replace(/\]/g, '&#93;')
}
