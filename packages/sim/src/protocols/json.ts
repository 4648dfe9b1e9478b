import { AwsError } from '../contract.js'

/**
 * awsJson1_1 (ECS) and awsJson1_0 with awsQueryCompatible (CloudWatch, SQS): request bodies are
 * JSON objects; timestamps are epoch seconds; errors are `{"__type","message"}` and, for the
 * query-compatible services, also the `x-amzn-query-error: <Code>;<Type>` header the SDK reads
 * first (aws-behaviour.md §1.2).
 */

export const JSON_1_1 = 'application/x-amz-json-1.1'
export const JSON_1_0 = 'application/x-amz-json-1.0'

export interface EncodedResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** JSON with Dates as epoch seconds (millisecond precision) and undefined members dropped. */
export function encodeJsonBody(value: unknown): string {
  return JSON.stringify(value ?? {}, function (this: Record<string, unknown>, key, v: unknown) {
    // JSON.stringify calls toJSON before the replacer, so read the raw member from the holder.
    const raw = this[key]
    if (raw instanceof Date) return raw.getTime() / 1000
    return v
  })
}

/** Parse a request body; an empty body is `{}` like the SDK's empty input. */
export function decodeJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new AwsError('SerializationException', 'Request body is not valid JSON')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'Request body must be a JSON object')
  }
  return parsed as Record<string, unknown>
}

// SQS models its errors under one name and sends another as the query code; the SDK matches
// either, but real SQS sends the shape name in `__type` and the query code in the header.
const SQS_QUERY_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  QueueDeletedRecently: 'AWS.SimpleQueueService.QueueDeletedRecently',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong'
}
const SQS_SHAPE_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(SQS_QUERY_CODES).map(([shape, code]) => [code, shape])
)

export interface JsonErrorOptions {
  /** Adds the `x-amzn-query-error` header (CloudWatch, SQS). */
  queryCompatible: boolean
  contentType: string
  requestId: string
  /** `sqs` maps shape names to SQS's query codes. */
  service?: string
}

export function encodeJsonError(error: AwsError, options: JsonErrorOptions): EncodedResponse {
  const headers: Record<string, string> = {
    'content-type': options.contentType,
    'x-amzn-requestid': options.requestId
  }
  let type = error.code
  if (options.queryCompatible) {
    let queryCode = error.code
    if (options.service === 'sqs') {
      queryCode = SQS_QUERY_CODES[error.code] ?? error.code
      type = SQS_SHAPE_NAMES[error.code] ?? error.code
    }
    headers['x-amzn-query-error'] = `${queryCode};${error.fault}`
  }
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ __type: type, message: error.message })
  }
}

export function encodeJsonResult(
  result: unknown,
  contentType: string,
  requestId: string
): EncodedResponse {
  return {
    status: 200,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: encodeJsonBody(result)
  }
}
