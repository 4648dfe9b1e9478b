import { withoutCredentials } from './text.js'

/**
 * A proxy variable set to something no HTTP check can go through (`socks5://…`, which some
 * runners set, or text that is not a URL). It is not an error by itself: only a check whose URL
 * would go through it is refused (see the health package's proxyProblems); otherwise it is
 * ignored with a warning.
 */
export interface UnusableProxy {
  /** The variable as spelled in the environment: `HTTPS_PROXY` or `https_proxy`. */
  variable: string
  /** Its value as a message may show it: credentials replaced by `***`. */
  shown: string
  /** What in the value must be masked (user info, password as written and decoded). */
  secrets: readonly string[]
}

/**
 * The proxies HTTP checks go through, as the environment of the step (or of the command) names
 * them; read once by the front end with proxySettingsFromEnv, never by library code.
 */
export interface ProxySettings {
  /** For https URLs (HTTPS_PROXY): requests are tunnelled with CONNECT. */
  httpsProxy?: URL
  /** For http URLs (HTTP_PROXY): requests are sent to it in absolute form. */
  httpProxy?: URL
  /**
   * Hosts reached directly (NO_PROXY), by curl's rules: comma- or space-separated names, each
   * matching itself and its subdomains (a leading `.` or `*.` and a trailing `.` change nothing),
   * IP addresses (matched exactly) and networks in CIDR notation (`10.0.0.0/8`, `fd00::/8`),
   * `host:port`, or `*`.
   */
  noProxy?: string
  /** A variable that is set but is no http(s) proxy URL, by the URL scheme it would serve. */
  unusable?: { 'https:'?: UnusableProxy; 'http:'?: UnusableProxy }
}

export type ProxyEnvironment = Readonly<Record<string, string | undefined>>

/** The lower-case name first, as curl, undici and the Actions toolkit read them; '' is unset. */
function variable(
  env: ProxyEnvironment,
  name: string
): { name: string; value: string } | undefined {
  for (const spelling of [name.toLowerCase(), name]) {
    const value = env[spelling]?.trim()
    if (value) return { name: spelling, value }
  }
  return undefined
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/** The credentials of a value that may not parse: all between `//` and the last `@`. */
function secretsOf(value: string, url: URL | undefined): string[] {
  const secrets = new Set<string>()
  if (url !== undefined && url.password !== '') {
    secrets.add(url.password)
    secrets.add(decodeURIComponent(url.password))
  }
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/(.+)@/i.exec(value)?.[1]
  if (url === undefined && userInfo !== undefined) {
    secrets.add(userInfo)
    const password = userInfo.slice(userInfo.indexOf(':') + 1)
    if (userInfo.includes(':') && password !== '') secrets.add(password)
  }
  return [...secrets]
}

/** `proxy:3128` is `http://proxy:3128`, as curl takes it; only http and https proxies work. */
function proxyUrl(name: string, value: string): URL | UnusableProxy {
  const schemeless = !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)
  const text = schemeless ? `http://${value}` : value
  const url = parseUrl(text)
  if (url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:')) return url
  // `user:pw@host` must not pass for a `user:` scheme: credentials blanked as http://…, shown as typed.
  const shown = withoutCredentials(text).slice(schemeless ? 'http://'.length : 0)
  return { variable: name, shown, secrets: secretsOf(text, url) }
}

/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case spellings) of an environment. It
 * never fails: a value that is no http(s) proxy URL is kept as `unusable`, and judged against
 * the checks that would use it. HTTPS_PROXY does not fall back to HTTP_PROXY, as with curl and
 * the Actions toolkit.
 */
export function proxySettingsFromEnv(env: ProxyEnvironment): ProxySettings {
  const settings: ProxySettings = {}
  const unusable: NonNullable<ProxySettings['unusable']> = {}
  for (const [name, scheme] of [
    ['HTTPS_PROXY', 'https:'],
    ['HTTP_PROXY', 'http:']
  ] as const) {
    const found = variable(env, name)
    if (found === undefined) continue
    const proxy = proxyUrl(found.name, found.value)
    if (!(proxy instanceof URL)) unusable[scheme] = proxy
    else if (scheme === 'https:') settings.httpsProxy = proxy
    else settings.httpProxy = proxy
  }
  const noProxy = variable(env, 'NO_PROXY')
  if (noProxy) settings.noProxy = noProxy.value
  if (Object.keys(unusable).length > 0) settings.unusable = unusable
  return settings
}

/** The secrets of the proxy variables (passwords, as written and decoded), for masking. */
export function proxySecrets(settings: ProxySettings): string[] {
  const secrets = new Set<string>()
  for (const url of [settings.httpsProxy, settings.httpProxy]) {
    if (url === undefined) continue
    for (const secret of secretsOf(url.href, url)) secrets.add(secret)
  }
  for (const unusable of Object.values(settings.unusable ?? {})) {
    for (const secret of unusable.secrets) secrets.add(secret)
  }
  return [...secrets]
}
