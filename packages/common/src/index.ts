export {
  type Clock,
  type Timers,
  type TimeScale,
  systemClock,
  scaledClock,
  realClock,
  interruptibleSleep,
  FakeClock
} from './clock.js'
export { type Logger, type LogLine, MemoryLogger, silentLogger } from './logger.js'
export { parseDuration, formatDuration } from './duration.js'
export {
  Heartbeat,
  HEARTBEAT_INTERVAL_MS,
  startWaiting,
  type HeartbeatOptions,
  type WaitDescription,
  type WaitHandle,
  type Waiting
} from './progress.js'
export {
  ConfigurationError,
  ConfigurationErrors,
  MissingSettingError,
  combineProblems,
  configurationProblems,
  isConfigurationError,
  errorMessage,
  describeSubject,
  inputLabel,
  type ConfigurationSubject,
  type SettingLabel
} from './errors.js'
export {
  AWS_CLIENT_CONFIG,
  AWS_CONNECTION_TIMEOUT_MS,
  AWS_REQUEST_TIMEOUT_MS,
  awsClientConfigFor,
  awsUserAgent,
  type AwsClientConfig,
  type UserAgentEntry
} from './aws-client.js'
export { FARGATE_PROMOTE_VERSION } from './version.js'
export {
  proxySecrets,
  proxySettingsFromEnv,
  type ProxyEnvironment,
  type ProxySettings,
  type UnusableProxy
} from './proxy.js'
export {
  controlCharacterIn,
  escapeUnprintable,
  urlControlProblem,
  urlWithoutCredentials,
  withoutCredentials
} from './text.js'
export { escapeHtml, escapeMultiline, escapeTableCell } from './markup.js'
export { secretForms, secretMasker } from './secret-forms.js'
export { runContextFromEnv, type RunContext } from './run-context.js'
export {
  InputReader,
  recordSource,
  layeredSource,
  type InputSource,
  type IntegerOptions,
  type DurationOptions,
  type PollingOptions
} from './settings/reader.js'
export {
  SettingProblems,
  NOT_READ,
  isRead,
  type Reading,
  type ReadValues
} from './settings/problems.js'
export {
  quoteValue,
  parseBooleanText,
  parseIntegerText,
  parseDurationText,
  parseChoiceText,
  parseListLines,
  parseNumberedLines,
  parseKeyValueLines,
  type NumberedLine,
  type IntegerRange,
  type DurationRange,
  type KeyValueOptions
} from './settings/parsers.js'
export {
  parseStructuredText,
  readStructuredFile,
  lineAndColumn,
  type StructuredTextOptions,
  type ReadStructuredFileOptions
} from './settings/structured.js'
export {
  readSettingFile,
  resolveSettingFile,
  MAX_SETTING_FILE_BYTES,
  type FileRoots,
  type SettingFile
} from './settings/files.js'
export { isSecretName } from './settings/secret-names.js'
export { loadYaml } from './settings/yaml.js'
export {
  parsePositionedYaml,
  formatFieldPath,
  type PositionedText,
  type FieldPath
} from './settings/yaml-positions.js'
export {
  checkAgainstSchema,
  SettingsFileError,
  isSettingsFileError,
  type SchemaProblem
} from './settings/schema-check.js'
export {
  GITHUB_REQUEST_TIMEOUT_MS,
  MAX_RATE_LIMIT_RETRIES,
  failedWithoutRefusal,
  githubPluginOptions,
  resilientGitHub,
  type GitHubRequestClient,
  type GitHubRequestOptions
} from './github-requests.js'
