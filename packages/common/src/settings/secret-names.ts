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
