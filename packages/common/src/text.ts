/** C0 controls, DEL and C1 controls: never part of a URL or a one-line value a person typed. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

const NAMED: Record<string, string> = {
  '\n': 'a line break',
  '\r': 'a carriage return',
  '\t': 'a tab'
}

/**
 * The first control character in `text`, described for a person (`a line break`, `U+0000`),
 * or undefined when there is none.
 */
export function controlCharacterIn(text: string): string | undefined {
  const found = CONTROL.exec(text)?.[0]
  if (found === undefined) return undefined
  const code = (found.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')
  return NAMED[found] ?? `U+${code}`
}

/**
 * What is wrong with a URL that holds a control character, or undefined when it holds none.
 * The URL parser (and zod's url check) silently drops a line break or a tab: the request would
 * go somewhere other than what was written, and the text could reach a log line as a workflow
 * command. Every URL setting (input, config file, checks) is refused with this message.
 */
export function urlControlProblem(text: string): string | undefined {
  const control = controlCharacterIn(text)
  if (control === undefined) return undefined
  return `the URL contains ${control}. Give the URL on one line, without control characters.`
}

/**
 * A URL as an error message may show it: everything between its scheme (`https:`, with or
 * without `//`) and the last `@` is shown as `***`, since a user and password may hold `/`, `?`,
 * `#` or `:`. It runs before masking can know the password, and on text that may not parse as a
 * URL, so it errs towards hiding: an `@` in a path or query hides the host in the message too.
 */
export function withoutCredentials(text: string): string {
  const at = text.lastIndexOf('@')
  if (at === -1) return text
  const scheme = /^\s*[a-z][a-z0-9+.-]*:[\\/]*/i.exec(text)?.[0] ?? ''
  return `${scheme}***${text.slice(at)}`
}

/**
 * A URL to show or link to, its user and password dropped (a link that still works, unlike
 * `withoutCredentials`'s ***); text that does not parse as a URL is shown as that one shows it.
 */
export function urlWithoutCredentials(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return withoutCredentials(text)
  }
  if (url.username === '' && url.password === '') return text
  url.username = ''
  url.password = ''
  return url.href
}

/**
 * Characters that must not reach a terminal as they are: controls (which move the cursor,
 * recolour the screen or start a new table row), line and paragraph separators, and the
 * bidirectional overrides and isolates (which reorder what is shown).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const ESCAPED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function escapeOf(char: string): string {
  const code = char.codePointAt(0) as number
  return (
    ESCAPED[char] ??
    (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`)
  )
}

/**
 * Untrusted text made safe to print: each such character shown as its escape (`\x1b`, `\n`,
 * `\u202e`); characters for which `keep` answers true are left as they are (a tab in a log).
 */
export function escapeUnprintable(text: string, keep?: (char: string) => boolean): string {
  return text.replace(UNPRINTABLE, char => (keep?.(char) === true ? char : escapeOf(char)))
}
