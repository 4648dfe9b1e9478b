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
 * A URL as an error message may show it: whatever stands between `scheme://` and the last `@`
 * before any query or fragment (a user and password, which may themselves hold `/` or `:`) is
 * shown as `***`. It runs before masking can know the password, and on text that may not even
 * parse as a URL, so it errs towards hiding: a path with `@` in it loses its host in the message.
 */
export function withoutCredentials(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0]
  if (scheme === undefined) return text
  const rest = text.slice(scheme.length)
  const authorityEnd = rest.search(/[?#\s]/)
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd)
  const at = authority.lastIndexOf('@')
  return at === -1 ? text : `${scheme}***${rest.slice(at)}`
}
