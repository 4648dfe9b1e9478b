export * from './types.js'
export { parseChecks, loadChecksSchema, type ParseChecksOptions } from './parse-checks.js'
// For schemas that embed the checks format (packages/promotion's config). parseChecks loads the
// schema itself on first use: a bundle that never uses these names drops this re-export
// (sideEffects: false), so zod stays in a chunk loaded only when checks are parsed.
export { CheckSchema, ChecksSchema, type CheckInput } from './schema/checks.js'
export { httpShorthand, type HttpShorthandOptions } from './http-shorthand.js'
export { parseHttpUrl } from './http-url.js'
export { bypassesProxy, checkProxyUse, proxyProblems, type ProxyProblems } from './http-proxy.js'
export { secretHeaderValues, secretValues } from './secrets.js'
export { DEFAULT_HTTP_TIMEOUT_MS, DEFAULT_COMMAND_TIMEOUT_MS } from './check-defaults.js'
export { parseJsonPath, lookupJsonPath } from './json-path.js'
export {
  probeHttp,
  createHttpAgents,
  destroyHttpAgents,
  displayUrl,
  MAX_BODY_BYTES,
  MAX_REDIRECTS,
  type HttpAgents,
  type HttpProbeDeps
} from './probes/http.js'
export { probeEcsService, type EcsServiceProbeDeps } from './probes/ecs-service.js'
export { probeTargetGroup, type TargetGroupProbeDeps } from './probes/target-group.js'
export { probeAlarms, type AlarmProbeDeps } from './probes/alarm.js'
export { probeSqsQueue, type SqsProbeDeps } from './probes/sqs.js'
export {
  probeCommand,
  commandEnv,
  commandSecrets,
  commandTarget,
  type CommandProbeDeps
} from './probes/command.js'
export {
  createCommandRunner,
  DEFAULT_KILL_AFTER_MS,
  type CommandRunner,
  type CommandRunnerOptions,
  type CommandRequest,
  type CommandExit
} from './command-runner.js'
export { OutputTail, OUTPUT_TAIL_LINES, OUTPUT_TAIL_BYTES } from './command-output.js'
export { sampleLoad, type LoadOptions, type LoadDeps } from './load.js'
export {
  percentile,
  summarizeLatency,
  thresholdViolations,
  sparkline,
  formatRate,
  type LatencyThresholds
} from './analysis.js'
export {
  runHealthChecks,
  checkTarget,
  type RunHealthChecksOptions,
  type RunHealthChecksDeps
} from './run.js'
export { reportToJson } from './report-json.js'
export { CHECKS_FILE, loadChecks, type ChecksSourceOptions } from './checks-source.js'
export { clientsNeeded, requireClients, type ClientsNeeded } from './clients-needed.js'
export { loadCloudWatch, loadSqs, type CloudWatchReader, type SqsReader } from './aws-clients.js'
