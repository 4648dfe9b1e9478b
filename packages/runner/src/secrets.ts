import * as core from './toolkit.js'

export const REDACTED = '***'

function secretLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
}

/**
 * Registers a value with the runner so it is masked in the log. The runner masks line by
 * line, so a multi-line value (a PEM key, a JSON blob) is registered whole and per line.
 * Empty values are ignored: masking '' would do nothing useful.
 */
export function maskSecret(value: string): void {
  if (value.trim() === '') return
  core.setSecret(value)
  const lines = secretLines(value)
  if (lines.length > 1) lines.forEach(line => core.setSecret(line))
}

/** Replaces every occurrence of each secret with ***, longest first so overlaps fully vanish. */
export function redact(text: string, secrets: Iterable<string>): string {
  const needles = new Set<string>()
  for (const secret of secrets) {
    if (secret.trim() === '') continue
    needles.add(secret)
    secretLines(secret).forEach(line => needles.add(line))
  }
  return [...needles]
    .sort((a, b) => b.length - a.length)
    .reduce((result, needle) => result.split(needle).join(REDACTED), text)
}

/** Name parts that alone mark a secret: DB_PASSWORD, x-auth-token, Set-Cookie, AUTH. */
const SECRET_PARTS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pass',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'cookie',
  'cookies',
  'apikey',
  'apikeys',
  'privatekey',
  'dsn'
])

/** Adjacent parts that together mark a secret: API_KEY, privateKey, X-Api-Key, XAPIKey. */
const SECRET_PAIRS: readonly (readonly [string, string])[] = [
  ['api', 'key'],
  ['private', 'key'],
  ['signing', 'key'],
  ['encryption', 'key'],
  ['master', 'key'],
  ['session', 'key'],
  ['connection', 'string']
]

/** A single part that ends in one of these: MYPASSWORD, GITHUBTOKEN. */
const SECRET_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey', 'credentials']

/** `X-Api-Key` → x api key; `privateKeyPEM` → private key pem; `DB_PASSWORD` → db password. */
function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(part => part !== '')
}

/**
 * Heuristic: does this environment-variable or header name hold a secret? Matches whole name
 * parts, so AUTH_TOKEN and basicAuth match but AUTHOR and PASSAGE do not.
 */
export function isSecretName(name: string): boolean {
  const parts = nameParts(name)
  return parts.some(
    (part, index) =>
      SECRET_PARTS.has(part) ||
      SECRET_PAIRS.some(([first, second]) => part.endsWith(first) && parts[index + 1] === second) ||
      SECRET_SUFFIXES.some(suffix => part.endsWith(suffix))
  )
}

/** A copy of the headers (or environment) with the values of secret-looking names replaced. */
export function redactHeaders<V>(
  record: Readonly<Record<string, V>>
): Record<string, V | typeof REDACTED> {
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value])
  )
}
