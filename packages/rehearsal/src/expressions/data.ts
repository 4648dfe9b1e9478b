import { data } from '@actions/expressions'

/** A read of a key that does not exist, as a dotted path (`steps.deploy.outputs.status`). */
export type MissRecorder = (path: string) => void

/** A Dictionary that reports reads of keys it does not have (GitHub answers those with ''). */
class TrackedDictionary extends data.Dictionary {
  constructor(
    private readonly path: string,
    private readonly miss: MissRecorder
  ) {
    super()
  }

  override get(key: string): data.ExpressionData | undefined {
    const value = super.get(key)
    if (value === undefined) this.miss(this.path ? `${this.path}.${key}` : key)
    return value
  }
}

/** Plain JSON-like values as the expression engine's data, recording missing reads. */
export function toData(value: unknown, miss: MissRecorder, path = ''): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null()
  if (typeof value === 'string') return new data.StringData(value)
  if (typeof value === 'number') return new data.NumberData(value)
  if (typeof value === 'boolean') return new data.BooleanData(value)
  if (Array.isArray(value)) {
    return new data.Array(...value.map((item, i) => toData(item, miss, `${path}[${i}]`)))
  }
  const dictionary = new TrackedDictionary(path, miss)
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    dictionary.add(key, toData(item, miss, path ? `${path}.${key}` : key))
  }
  return dictionary
}

/** The engine's data back as plain values. */
export function toPlain(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown
}

/** How the runner turns a value into the text of an input, an env variable or a log line. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value, null, 2)
}
