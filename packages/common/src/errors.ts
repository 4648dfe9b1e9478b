/**
 * A problem with what the user asked for (an input, a file, a reference), as opposed to a
 * failure of the deployment or of AWS. Raised before any AWS resource is changed; the message
 * names the input, the bad value and what to do.
 */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigurationError'
  }
}

export function isConfigurationError(error: unknown): error is ConfigurationError {
  return error instanceof ConfigurationError
}

/** The message of anything thrown, including non-Error values. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  try {
    const json = JSON.stringify(error)
    return json === undefined ? String(error) : json
  } catch {
    return String(error)
  }
}
