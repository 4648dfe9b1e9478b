export { ConfigurationError, isConfigurationError } from '@fargate-promote/common'
export {
  getRequiredString,
  getOptionalString,
  getBoolean,
  getInteger,
  getDuration,
  getChoice,
  getList,
  getKeyValueMap,
  getStructuredFile,
  type IntegerInputOptions,
  type DurationInputOptions,
  type StructuredFileInputOptions
} from './inputs.js'
export {
  parseBooleanText,
  parseIntegerText,
  parseDurationText,
  parseChoiceText,
  parseListLines,
  parseKeyValueLines,
  type IntegerRange,
  type DurationRange,
  type KeyValueOptions
} from './parsers.js'
export {
  parseStructuredText,
  readStructuredFile,
  lineAndColumn,
  type StructuredTextOptions,
  type ReadStructuredFileOptions
} from './structured.js'
export { runAction, CONFIGURATION_ERROR_TITLE } from './run-action.js'
export { setOutputs, outputText, saveState, getState, type OutputValue } from './outputs.js'
export {
  SummaryBuilder,
  createSummary,
  SUMMARY_LIMIT_BYTES,
  type Cell,
  type SummaryWriteOptions,
  type SummaryWriteResult
} from './summary.js'
export {
  escapeHtml,
  escapeMultiline,
  escapeTableCell,
  link,
  safeUrl,
  trustedHtml,
  isHtmlFragment,
  type HtmlFragment
} from './html.js'
export {
  Annotations,
  MAX_ANNOTATIONS_PER_LEVEL,
  MAX_ANNOTATION_LENGTH,
  truncateText,
  type Annotation,
  type AnnotationLevel,
  type AnnotationProps
} from './annotations.js'
export { maskSecret, redact, isSecretName, redactHeaders, REDACTED } from './secrets.js'
export { actionsLogger } from './logger.js'
export { readRunContext, type RunContext } from './context.js'
export { getPolling, type PollingInputOptions } from './inputs.js'
export { githubClient, GITHUB_REQUEST_TIMEOUT_MS, type GitHubRequestClient } from './github.js'
export { watchCancellation, type Cancellation } from './cancellation.js'
