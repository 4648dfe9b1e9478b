import { ConfigurationError } from './errors.js'
import { withoutCredentials } from './text.js'

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
   * Hosts reached directly (NO_PROXY): comma- or space-separated names, each matching itself and
   * its subdomains (a leading `.` or `*.` changes nothing), IP addresses, `host:port`, or `*`.
   */
  noProxy?: string
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

/** `proxy:3128` is `http://proxy:3128`, as curl takes it; only http and https proxies work. */
function proxyUrl(name: string, value: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigurationError(
      `variable ${name} is '${withoutCredentials(value)}', which is not an http or https proxy URL. Set it to http://host:port (or unset it).`
    )
  }
  return url
}

/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case spellings) of an environment. A
 * proxy URL that cannot be used is an error naming the variable, its credentials left out.
 * HTTPS_PROXY does not fall back to HTTP_PROXY, as with curl and the Actions toolkit.
 */
export function proxySettingsFromEnv(env: ProxyEnvironment): ProxySettings {
  const https = variable(env, 'HTTPS_PROXY')
  const http = variable(env, 'HTTP_PROXY')
  const noProxy = variable(env, 'NO_PROXY')
  return {
    ...(https && { httpsProxy: proxyUrl(https.name, https.value) }),
    ...(http && { httpProxy: proxyUrl(http.name, http.value) }),
    ...(noProxy && { noProxy: noProxy.value })
  }
}

/** The secrets of the proxy URLs (passwords, as written and decoded), for masking. */
export function proxySecrets(settings: ProxySettings): string[] {
  const secrets = new Set<string>()
  for (const url of [settings.httpsProxy, settings.httpProxy]) {
    if (url === undefined || url.password === '') continue
    secrets.add(url.password)
    secrets.add(decodeURIComponent(url.password))
  }
  return [...secrets]
}
