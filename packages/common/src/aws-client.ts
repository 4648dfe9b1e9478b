import { FARGATE_PROMOTE_VERSION } from './version.js'

/** How long to wait for a connection to an AWS endpoint before the attempt fails. */
export const AWS_CONNECTION_TIMEOUT_MS = 5_000
/** How long to wait for an AWS answer before the attempt fails (and is retried by the SDK). */
export const AWS_REQUEST_TIMEOUT_MS = 30_000

/** A User-Agent entry as the SDK takes it: `[name, version]` is written `name/version`. */
export type UserAgentEntry = [name: string, version?: string]

/**
 * What every AWS request names after the SDK's own entries, so CloudTrail's userAgent tells this
 * project's calls apart: `fargate-promote/1.0.0`, then who made them (`action/deploy-fargate`,
 * `cli`) when known.
 */
export function awsUserAgent(frontEnd?: string): UserAgentEntry[] {
  const product: UserAgentEntry = ['fargate-promote', FARGATE_PROMOTE_VERSION]
  return frontEnd === undefined ? [product] : [product, [frontEnd]]
}

/**
 * Configuration of every AWS client an action creates. The SDK's default is to wait forever for
 * a connection or an answer, and since @smithy/node-http-handler 4.4 an exceeded requestTimeout
 * is only a warning unless throwOnRequestTimeout is set: one hung call would then outlive every
 * deadline a watch or a check has, and the step would end at the job timeout, unexplained.
 */
export const AWS_CLIENT_CONFIG = {
  requestHandler: {
    connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
    requestTimeout: AWS_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true
  },
  customUserAgent: awsUserAgent()
}

export type AwsClientConfig = typeof AWS_CLIENT_CONFIG

/** AWS_CLIENT_CONFIG with the front end named in the User-Agent (see awsUserAgent). */
export function awsClientConfigFor(frontEnd: string): AwsClientConfig {
  return { ...AWS_CLIENT_CONFIG, customUserAgent: awsUserAgent(frontEnd) }
}
