const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/

export const DEFAULT_REGION = 'us-east-1'

/**
 * The region a client signed for, from the SigV4 credential scope of its Authorization header.
 * The sim does not verify signatures: any credentials are accepted.
 */
export function regionFromAuthorization(header: string | undefined): string {
  const match = header === undefined ? null : CREDENTIAL_SCOPE.exec(header)
  return match?.[1] ?? DEFAULT_REGION
}
