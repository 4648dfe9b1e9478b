/** How long to wait for a connection to an AWS endpoint before the attempt fails. */
export const AWS_CONNECTION_TIMEOUT_MS = 5_000
/** How long to wait for an AWS answer before the attempt fails (and is retried by the SDK). */
export const AWS_REQUEST_TIMEOUT_MS = 30_000

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
  }
}
