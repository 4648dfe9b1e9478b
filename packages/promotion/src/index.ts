/*
 * The use cases: one per action, called by the actions, the CLI and the rehearsal alike. Each
 * reads its settings once (read…Inputs, from any InputReader) and takes them with its
 * dependencies (AWS clients, a lazy GitHub client, clock, logger, cancellation signal).
 */

// deploy-fargate
export { readDeployInputs, type DeployInputs, type DeployRecordTarget } from './deploy/inputs.js'
export { deployAndRecord, type DeployAndRecordDeps, type DeployOutcome } from './deploy/run.js'
export type { DeployCheckpoint } from './deploy/checkpoint.js'
export {
  rollBackCancelledDeploy,
  CANCELLED_ROLLBACK_TIMEOUT_MS,
  type CancelledDeployRollback
} from './deploy/cancel.js'

// health-verify
export { readVerifyInputs, type VerifyInputs } from './verify/inputs.js'
export { verify, type VerifyOutcome } from './verify/run.js'

// staging-gate
export { readGateInputs, type GateInputs } from './gate/inputs.js'
export { gateAndRecord, type GateOutcome } from './gate/run.js'
export { evaluateGate, MIN_STOP_WINDOW_MS } from './gate/evaluate.js'
export { pinImage } from './gate/identity.js'
export { verdictToJson } from './gate/report.js'
export {
  DEFAULT_CHECKS_TIMEOUT_MS,
  DEFAULT_ENVIRONMENT,
  ALARMS_CHECK,
  ALARM_PREFIX_CHECK
} from './gate/alarm-checks.js'
export {
  writeGateCheckRun,
  recordGateCheckRun,
  conclusionOf,
  checkRunTitle,
  checkRunSummary,
  workflowPath,
  checkRunSha,
  GATE_CHECK_RUN_NAME,
  DEFAULT_ANNOTATION_PATH,
  type GateConclusion,
  type GateCheckRunOptions,
  type GateCheckRunResult,
  type GateCheckRunTarget,
  type CheckRunRecord
} from './gate/check-run.js'
export type {
  GateCandidate,
  GateEmergency,
  GateOptions,
  GateDeps,
  GateCheck,
  GateCheckKind,
  GateMode,
  GateServiceEvidence,
  GateVerdict
} from './gate/types.js'

// rollback
export { readRollbackInputs, parseRollbackTo, type RollbackInputs } from './rollback/inputs.js'
export {
  rollbackAndRecord,
  CHECK_SUCCESSES,
  type RollbackAndRecordOptions,
  type RollbackAndRecordDeps,
  type RollbackOutcome
} from './rollback/run.js'
export {
  RollbackRecorder,
  HISTORY_LIMIT,
  SUPERSEDED,
  type RollbackRecorderOptions,
  type StartedRollback,
  type FinishedRollback,
  type RecordReport
} from './rollback/records.js'

// GitHub records and AWS clients, shared by the use cases
export { type GitHubClient, type RepositoryRef, parseRepository } from './github/client.js'
export {
  startDeploymentRecord,
  setDeploymentState,
  listDeploymentHistory,
  type DeploymentState,
  type DeploymentPayload,
  type StartRecordOptions,
  type DeploymentRecord,
  type StateOptions,
  type DeploymentHistoryEntry,
  type HistoryOptions
} from './github/deployments.js'
export {
  DeploymentRecorder,
  type RecordTarget,
  type RecorderDeps,
  type FinalRecord
} from './github/recorder.js'
export {
  writeCheckRun,
  ANNOTATIONS_PER_REQUEST,
  type CheckRunOptions,
  type CheckRunResult,
  type CheckRunAnnotation,
  type CheckRunConclusion
} from './github/check-run.js'
export {
  createAwsClients,
  createClients,
  destroyAwsClients,
  type AwsClients,
  type AwsClientSettings,
  type AwsClientsOptions,
  type AwsService,
  type ClientName,
  type ClientNeeds,
  type ClientsOf
} from './clients.js'
export { fileRoots, readServices, MAX_SERVICES } from './inputs/common.js'

// The application config file (.github/fargate-promote.yml)
export {
  ConfigSchema,
  EnvironmentSchema,
  configJsonSchema,
  type PromotionConfig,
  type EnvironmentConfig,
  type ProtectionConfig
} from './config/schema.js'
export {
  DEFAULT_CONFIG_PATH,
  parseConfigText,
  readConfigFile,
  environmentOf,
  type LoadedConfig,
  type ReadConfigOptions
} from './config/load.js'

// Environment protection as code (fargate-promote environments apply)
export { planEnvironments, type PlanEnvironmentsOptions } from './protection/plan.js'
export { applyPlan, ApplyError } from './protection/apply.js'
export {
  planHasChanges,
  type ProtectionPlan,
  type EnvironmentPlan,
  type EnvironmentAction,
  type EnvironmentState,
  type SettingChange,
  type SettingName,
  type Reviewer,
  type BranchMode,
  type BranchPattern,
  type BranchPolicy
} from './protection/types.js'
