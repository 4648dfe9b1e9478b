type Combination = Record<string, unknown>

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * A `strategy.matrix` expanded as GitHub does: the product of its lists, minus `exclude`
 * entries, then each `include` entry merged into every original combination whose original
 * values it does not change (values added by an earlier include may change), or added on its
 * own when it fits none — so an include-only matrix has one job per entry.
 */
export function expandMatrix(matrix: unknown): Combination[] {
  if (matrix === null || typeof matrix !== 'object' || Array.isArray(matrix)) return []
  const { include, exclude, ...lists } = matrix as Record<string, unknown>
  let combinations: Combination[] = Object.keys(lists).length > 0 ? [{}] : []
  for (const [key, values] of Object.entries(lists)) {
    const list: unknown[] = Array.isArray(values) ? (values as unknown[]) : [values]
    combinations = combinations.flatMap(c => list.map(v => ({ ...c, [key]: v })))
  }
  const excluded = Array.isArray(exclude) ? (exclude as Combination[]) : []
  combinations = combinations.filter(
    c => !excluded.some(e => Object.entries(e).every(([k, v]) => same(c[k], v)))
  )
  const originalKeys = Object.keys(lists)
  // Only the product's own combinations take an include; the ones an include added do not.
  const product = [...combinations]
  for (const entry of Array.isArray(include) ? (include as Combination[]) : []) {
    let matched = false
    for (const c of product) {
      const fits = Object.entries(entry).every(
        ([k, v]) => !originalKeys.includes(k) || same(c[k], v)
      )
      if (fits) {
        Object.assign(c, entry)
        matched = true
      }
    }
    if (!matched) combinations.push({ ...entry })
  }
  return combinations
}

/** `id (a, b)`: how GitHub names a matrix job. */
export function matrixName(id: string, combination: Combination): string {
  const values = Object.values(combination).map(v =>
    typeof v === 'string' ? v : JSON.stringify(v)
  )
  return values.length > 0 ? `${id} (${values.join(', ')})` : id
}
