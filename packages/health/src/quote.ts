/** A value as an error message quotes it: text in quotes, anything else as JSON. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  return JSON.stringify(value) ?? String(value)
}
