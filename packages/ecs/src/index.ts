/*
 * ECS for the use cases in packages/promotion, grouped by job: task definitions, observing a
 * service (settled, or why not), deploying, watching a rollout, rolling back.
 */
export type { EcsDeps, ElbClient } from './deps.js'
export { loadElb } from './lazy-elb.js'

// Task definitions: references, rendering, diffs, revisions and the tags this project writes.
export {
  parseTaskDefinitionArn,
  familyOf,
  shortName,
  type TaskDefinitionName
} from './task-definitions/arn.js'
export {
  parseImageReference,
  isValidImageReference,
  type ImageReference
} from './task-definitions/image-reference.js'
export {
  renderTaskDefinition,
  checkTaskDefinitionSize,
  checkTaskDefinitionFileSize,
  checkTag,
  MAX_TASK_DEFINITION_BYTES,
  type RenderedTaskDefinition
} from './task-definitions/render.js'
export { formatDiff, type TaskDefinitionDiff } from './task-definitions/diff.js'
export { readTaskDefinition } from './task-definitions/read.js'
export {
  tagRolledBack,
  describeRevision,
  sanitizeTagValue,
  type RevisionView
} from './task-definitions/marks.js'
export { VERSION_TAG, COMMIT_TAG, PREVIOUS_TAG } from './task-definitions/tags.js'

// Observing a service: one definition of settled, its tasks, targets and stops.
export {
  checkServiceName,
  describeServices,
  findService,
  type EcsReadDeps,
  type AwsCallListener
} from './observe/services.js'
export {
  unsettledReason,
  isSettled,
  isActiveService,
  inactiveReason,
  primaryDeployment,
  isDeploymentInProgress
} from './observe/settled.js'
export {
  observeService,
  describeServing,
  type ObserveServiceOptions,
  type ObserveServiceDeps,
  type ServiceObservation
} from './observe/service.js'
export { explainStoppedTask, taskIdOf } from './observe/tasks.js'
export { targetGroupsOf, judgeTargets, type TargetJudgement } from './observe/targets.js'
export type {
  ServiceEventView,
  StoppedTaskView,
  ContainerExitView,
  TargetView
} from './observe/types.js'

// Deploying.
export { deploy } from './deploy/deploy.js'
export { worstStatus } from './deploy/run.js'
export { deployStatusOf } from './deploy/progressive.js'
export { MIN_ROLLBACK_TIMEOUT_MS } from './deploy/roll-back.js'
export type {
  DeployOptions,
  DeployDeps,
  DeploymentStartedInfo,
  ProgressiveOptions,
  TaskDefinitionSource
} from './deploy/options.js'
export type {
  DeployResult,
  DeployStatus,
  ServiceDeployResult,
  PreDeployReport
} from './deploy/types.js'

// Watching a rollout.
export type { RolloutResult, RolloutOutcome, RollbackObservation } from './watch/types.js'
export { classifyAwsError, type AwsFailure } from './watch/poll-failures.js'

// Rolling back.
export { rollbackService, type RollbackOptions, type RollbackRequest } from './rollback/service.js'
export {
  resolveRollbackTarget,
  VERSION_SCAN_LIMIT,
  type RollbackTo,
  type RollbackTarget,
  type RollbackTargetSource,
  type ResolveRollbackTargetOptions,
  type ResolveRollbackTargetDeps
} from './rollback/target.js'
export type { DeploymentHistoryEntry } from './rollback/history.js'
export type { RollbackResult, RollbackStatus, RollbackMethod } from './rollback/types.js'

// Progressive delivery: strategy settings, per-revision traffic metrics, analysis.
export * from './progressive/index.js'
