/** What a check gets for a field it leaves out, shared by the checks format and the url form. */
export const DEFAULT_HTTP_TIMEOUT_MS = 5000

/** A test suite against a fresh deployment can take minutes; ten covers most, and ends a hang. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000
