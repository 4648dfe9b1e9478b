export { type Clock, systemClock, FakeClock } from './clock.js'
export { type Logger, type LogLine, MemoryLogger, silentLogger } from './logger.js'
export { parseDuration, requireDuration, formatDuration } from './duration.js'
export { ConfigurationError, isConfigurationError, errorMessage } from './errors.js'
export {
  AWS_CLIENT_CONFIG,
  AWS_CONNECTION_TIMEOUT_MS,
  AWS_REQUEST_TIMEOUT_MS
} from './aws-client.js'
