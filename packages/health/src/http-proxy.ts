import type http from 'node:http'
import type { ProxySettings } from '@fargate-promote/common'
import { HttpProxyAgent } from 'http-proxy-agent'
import { HttpsProxyAgent } from 'https-proxy-agent'

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 }

interface NoProxyEntry {
  host: string
  port?: number
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address; names lower-cased. */
function noProxyEntry(text: string): NoProxyEntry {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text)
  const withPort = bracketed ?? /^([^:]+):(\d+)$/.exec(text)
  const host = (withPort?.[1] ?? text).toLowerCase().replace(/^\*?\./, '')
  const port = withPort?.[2]
  return port === undefined ? { host } : { host, port: Number(port) }
}

/**
 * Whether NO_PROXY sends this URL's request directly, by curl's rules: `*` matches every host;
 * a name matches itself and its subdomains, with or without a leading `.` (or `*.`); an entry
 * with a port matches that port only. Loopback addresses are not special: list them to bypass.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port)
  return noProxy
    .split(/[\s,]+/)
    .filter(text => text !== '')
    .some(text => {
      if (text === '*') return true
      const entry = noProxyEntry(text)
      if (entry.port !== undefined && entry.port !== port) return false
      return host === entry.host || host.endsWith(`.${entry.host}`)
    })
}

/** The proxy a request to `url` goes through, or undefined to go directly. */
export function proxyFor(url: URL, settings: ProxySettings | undefined): URL | undefined {
  if (settings === undefined) return undefined
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy
  if (proxy === undefined || bypassesProxy(url, settings.noProxy)) return undefined
  return proxy
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
