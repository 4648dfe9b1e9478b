import { urlControlProblem, withoutCredentials } from '@fargate-promote/common'
import { quote } from './quote.js'

/**
 * The URL an http check requests, or what is wrong with it. Messages never show a user or
 * password: the URL may carry them, and an error is printed before masking knows them.
 */
export function parseHttpUrl(text: string): URL | string {
  const control = urlControlProblem(text)
  if (control !== undefined) return control
  const shown = quote(withoutCredentials(text))
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return `${shown} is not a valid URL. Write it in full: https://host/path.`
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${shown} uses '${url.protocol}'; only http and https are supported.`
  }
  return url
}
