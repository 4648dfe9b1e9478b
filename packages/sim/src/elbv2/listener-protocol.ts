import { AwsError } from '../contract.js'
import { optString, type Input } from './params.js'

/** The listener proxies are plain HTTP servers, so HTTP is the one protocol they accept. */
export function listenerProtocol(input: Input, fallback: string): string {
  const protocol = optString(input, 'Protocol') ?? fallback
  if (protocol !== 'HTTP') {
    throw new AwsError(
      'UnsupportedProtocol',
      `Protocol '${protocol}' is not supported by the simulator's listeners (HTTP)`
    )
  }
  return protocol
}
