import type { GitHubResponse } from '../contract.js'

/** GitHub's error bodies ("Basic Error" and "Validation Error") and a throwable carrying them. */

export const DOCS = 'https://docs.github.com/rest'

export class GitHubError extends Error {
  constructor(readonly response: GitHubResponse) {
    super(String((response.body as { message?: unknown } | undefined)?.message))
  }
}

export interface ValidationItem {
  resource: string
  field: string
  code: 'missing_field' | 'invalid' | 'custom' | 'already_exists' | 'unprocessable'
  message?: string
  value?: unknown
}

export const notFound = (): GitHubError =>
  new GitHubError({
    status: 404,
    body: { message: 'Not Found', documentation_url: DOCS, status: '404' }
  })

export const requiresAuthentication = (): GitHubError =>
  new GitHubError({
    status: 401,
    body: { message: 'Requires authentication', documentation_url: DOCS, status: '401' }
  })

/**
 * A schema violation. GitHub's message reads `Invalid request.\n\n<detail>`; the `errors` item is
 * added so callers that read the Validation Error shape find the field too.
 */
export function invalidRequest(detail: string, item: ValidationItem): GitHubError {
  return new GitHubError({
    status: 422,
    body: {
      message: `Invalid request.\n\n${detail}`,
      errors: [item],
      documentation_url: DOCS,
      status: '422'
    }
  })
}

/** A rule violation found after the schema passed (GitHub's "Validation Failed"). */
export function validationFailed(item: ValidationItem): GitHubError {
  return new GitHubError({
    status: 422,
    body: { message: 'Validation Failed', errors: [item], documentation_url: DOCS, status: '422' }
  })
}

export function unprocessable(message: string): GitHubError {
  return new GitHubError({
    status: 422,
    body: { message, documentation_url: DOCS, status: '422' }
  })
}

/** GitHub timestamps: ISO 8601 without milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`sim:${id}`).toString('base64url')}`
}
