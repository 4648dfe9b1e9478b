export { actionInputs } from './inputs.js'
export { runAction } from './run-action.js'
export { CONFIGURATION_ERROR_TITLE } from './configuration-report.js'
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
export { maskSecret, redact, redactHeaders, REDACTED } from './secrets.js'
export { neutralizeCommands } from './commands.js'
export { actionsLogger } from './logger.js'
export { readRunContext } from './context.js'
export {
  githubClient,
  GITHUB_REQUEST_TIMEOUT_MS,
  MAX_RATE_LIMIT_RETRIES,
  type GitHubRequestClient,
  type GitHubClientOptions
} from './github.js'
export { watchCancellation, type Cancellation } from './cancellation.js'
export { actionClock, REHEARSAL_CLOCK_VARIABLE } from './clock.js'
export { readProxySettings } from './proxy.js'
