export { type Clock, systemClock, FakeClock } from './clock.js'
export { type Logger, type LogLine, MemoryLogger, silentLogger } from './logger.js'
export { parseDuration, requireDuration, formatDuration } from './duration.js'
export { ConfigurationError, isConfigurationError, errorMessage } from './errors.js'
