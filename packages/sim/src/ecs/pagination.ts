import { invalid } from './input.js'

/** Offset-based nextToken, opaque to clients (as AWS's are). */
export function paginate<T>(
  items: T[],
  nextToken: string | undefined,
  maxResults: number
): { page: T[]; nextToken?: string } {
  let offset = 0
  if (nextToken !== undefined) {
    const decoded = Number(Buffer.from(nextToken, 'base64url').toString('utf8').replace(/^o:/, ''))
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) {
      throw invalid('Invalid nextToken.')
    }
    offset = decoded
  }
  const page = items.slice(offset, offset + maxResults)
  const end = offset + page.length
  return end < items.length
    ? { page, nextToken: Buffer.from(`o:${end}`, 'utf8').toString('base64url') }
    : { page }
}
