import { proxySecrets, proxySettingsFromEnv, type ProxySettings } from '@fargate-promote/common'
import { maskSecret } from './secrets.js'

/**
 * The step's proxies for HTTP checks (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, or their lower-case
 * spellings, as a self-hosted runner behind a proxy sets them). A password in a proxy variable,
 * usable or not, is registered with the runner before anything can log it. It never fails: a
 * variable that is no http(s) proxy URL is judged against the checks by the input readers.
 */
export function readProxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings {
  const settings = proxySettingsFromEnv(env)
  for (const secret of proxySecrets(settings)) maskSecret(secret)
  return settings
}
