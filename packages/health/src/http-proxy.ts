import type http from 'node:http'
import { BlockList, isIP } from 'node:net'
import {
  combineProblems,
  ConfigurationError,
  type ProxySettings,
  type UnusableProxy
} from '@fargate-promote/common'
import { HttpProxyAgent } from 'http-proxy-agent'
import { HttpsProxyAgent } from 'https-proxy-agent'
import type { CheckSpec, HttpCheckSpec } from './types.js'

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 }

interface NoProxyEntry {
  host: string
  port?: number
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`, a bare IPv6 address or a CIDR; lower-cased. */
function noProxyEntry(text: string): NoProxyEntry {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text)
  const withPort = bracketed ?? /^([^:]+):(\d+)$/.exec(text)
  const host = (withPort?.[1] ?? text).toLowerCase()
  const port = withPort?.[2]
  return port === undefined ? { host } : { host, port: Number(port) }
}

/** An IP host against an IP or CIDR entry: the same family, the same address or network. */
function ipMatches(host: string, family: number, entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/')
  if (isIP(address) !== family || rest.length > 0) return false
  const type = family === 4 ? 'ipv4' : 'ipv6'
  const list = new BlockList()
  if (bits === undefined) list.addAddress(address, type)
  else {
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN
    if (!(prefix <= (family === 4 ? 32 : 128))) return false
    list.addSubnet(address, prefix, type)
  }
  return list.check(host, type)
}

/** A name against a name entry: itself or a subdomain; a leading `.`/`*.`, a trailing `.` aside. */
function nameMatches(host: string, entry: string): boolean {
  const name = entry.replace(/^\*?\./, '').replace(/\.$/, '')
  return name !== '' && (host === name || host.endsWith(`.${name}`))
}

/**
 * Whether NO_PROXY sends this URL's request directly, by curl's rules
 * (https://curl.se/libcurl/c/CURLOPT_NOPROXY.html, https://ec.haxx.se/usingcurl/proxies/env.html):
 * `*` matches every host; a name matches itself and its subdomains, with or without a leading
 * `.` (or `*.`), a trailing `.` on either side ignored; an IP address host is compared as an
 * address with IP entries only (exactly, or within a CIDR network such as `10.0.0.0/8` or
 * `fd00::/8`), never by suffix. An entry with a port (not in curl) matches that port only.
 * Loopback addresses are not special: list them to bypass.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false
  const bare = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  const family = isIP(bare)
  const host = family === 0 ? bare.replace(/\.$/, '') : bare
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port)
  return noProxy
    .split(/[\s,]+/)
    .filter(text => text !== '')
    .some(text => {
      if (text === '*') return true
      const entry = noProxyEntry(text)
      if (entry.port !== undefined && entry.port !== port) return false
      return family === 0 ? nameMatches(host, entry.host) : ipMatches(host, family, entry.host)
    })
}

/** The proxy a request to `url` goes through, or undefined to go directly. */
export function proxyFor(url: URL, settings: ProxySettings | undefined): URL | undefined {
  if (settings === undefined) return undefined
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy
  if (proxy === undefined || bypassesProxy(url, settings.noProxy)) return undefined
  return proxy
}

/** The unusable proxy variable a request to `url` would go through, unless NO_PROXY says not. */
export function unusableProxyFor(
  url: URL,
  settings: ProxySettings | undefined
): UnusableProxy | undefined {
  const unusable = settings?.unusable?.[url.protocol as 'https:' | 'http:']
  if (unusable === undefined || bypassesProxy(url, settings?.noProxy)) return undefined
  return unusable
}

/** `HTTPS_PROXY is 'socks5://***@proxy:1080', which is not an http or https proxy URL`. */
export function describeUnusableProxy(unusable: UnusableProxy): string {
  return `variable ${unusable.variable} is '${unusable.shown}', which is not an http or https proxy URL`
}

function parsedUrl(spec: HttpCheckSpec): URL | undefined {
  try {
    return new URL(spec.url)
  } catch {
    return undefined
  }
}

function quoteNames(names: readonly string[]): string {
  return names.map(name => `'${name}'`).join(', ')
}

/** What a run would do with the unusable proxy variables, given its checks. */
export interface ProxyProblems {
  /** One per variable that an HTTP check would go through: raise before the first request. */
  errors: ConfigurationError[]
  /** One line per variable no HTTP check goes through: it is ignored. */
  warnings: string[]
}

/**
 * The unusable proxy variables judged against the checks: one that an HTTP check would go
 * through (its URL's scheme selects it and NO_PROXY does not exclude the host) is an error
 * naming the checks and what to do; one that none would use is only a warning. A redirect
 * cannot be foreseen: the probe refuses a request to such a proxy too.
 */
export function proxyProblems(
  checks: readonly CheckSpec[],
  settings: ProxySettings | undefined
): ProxyProblems {
  const result: ProxyProblems = { errors: [], warnings: [] }
  for (const [scheme, unusable] of Object.entries(settings?.unusable ?? {})) {
    if (unusable === undefined) continue
    const users = checks.filter((check): check is HttpCheckSpec => {
      if (check.type !== 'http') return false
      const url = parsedUrl(check)
      return url?.protocol === scheme && unusableProxyFor(url, settings) !== undefined
    })
    if (users.length === 0) {
      result.warnings.push(
        `${unusable.variable}=${unusable.shown} is not an http(s) proxy and is ignored: no HTTP check goes through it.`
      )
      continue
    }
    const hosts = [...new Set(users.map(check => (parsedUrl(check) as URL).hostname))]
    result.errors.push(
      new ConfigurationError(
        `${describeUnusableProxy(unusable)}, and HTTP check ${quoteNames(users.map(check => check.name))} would go through it. Set it to http://host:port, add ${hosts.join(',')} to NO_PROXY, or unset it.`
      )
    )
  }
  return result
}

/** Throws the errors of proxyProblems (a ConfigurationErrors when several), for a reader. */
export function checkProxyUse(
  checks: readonly CheckSpec[],
  settings: ProxySettings | undefined
): void {
  const problem = combineProblems(proxyProblems(checks, settings).errors)
  if (problem !== undefined) throw problem
}

/** How a proxy is shown: scheme, host and port, never its user or password. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

export interface ProxyAgentOptions {
  maxSockets: number
  /** Of the target's certificate, inside the tunnel (and of an https proxy's own). */
  rejectUnauthorized: boolean
}

/**
 * A keep-alive agent through `proxy`: https URLs are tunnelled with CONNECT (TLS to the target
 * inside it), http URLs sent to the proxy in absolute form. Credentials in the proxy URL become
 * its Proxy-Authorization header.
 */
export function createProxyAgent(
  proxy: URL,
  secure: boolean,
  options: ProxyAgentOptions
): http.Agent {
  const settings = { keepAlive: true, ...options }
  return secure ? new HttpsProxyAgent(proxy, settings) : new HttpProxyAgent(proxy, settings)
}
