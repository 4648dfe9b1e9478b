export { type GitHubClient, type RepositoryRef, parseRepository } from './github-client.js'
export {
  type DeploymentState,
  type DeploymentPayload,
  type StartRecordOptions,
  type DeploymentRecord,
  type StateOptions,
  type DeploymentHistoryEntry,
  type HistoryOptions,
  startDeploymentRecord,
  setDeploymentState,
  listDeploymentHistory
} from './deployment-records.js'
export {
  type GateCandidate,
  type GateEmergency,
  type GateOptions,
  type GateDeps,
  type GateCheck,
  type GateCheckKind,
  type GateMode,
  type GateServiceEvidence,
  type GateVerdict
} from './gate/types.js'
export { evaluateGate, MIN_STOP_WINDOW_MS } from './gate/evaluate.js'
export {
  validateGateOptions,
  DEFAULT_CHECKS_TIMEOUT_MS,
  DEFAULT_ENVIRONMENT
} from './gate/validate.js'
export { COMMIT_TAG, pinImage } from './gate/identity.js'
export { verdictToJson } from './gate/report.js'
export {
  type GateCheckRunOptions,
  type GateCheckRunResult,
  type GateConclusion,
  GATE_CHECK_RUN_NAME,
  ANNOTATIONS_PER_REQUEST,
  DEFAULT_ANNOTATION_PATH,
  writeGateCheckRun,
  conclusionOf,
  checkRunTitle,
  checkRunSummary
} from './check-run.js'
export {
  RollbackRecorder,
  HISTORY_LIMIT,
  SUPERSEDED,
  type RollbackRecordTarget,
  type RollbackRecorderOptions,
  type StartedRollback,
  type FinishedRollback,
  type RecordReport
} from './rollback/records.js'
export {
  rollbackAndRecord,
  CHECK_SUCCESSES,
  type RollbackAndRecordOptions,
  type RollbackAndRecordDeps,
  type RollbackOutcome
} from './rollback/run.js'
