/*
 * Progressive delivery with ECS-native strategies: the service settings a strategy needs, the
 * traffic each revision's target group saw, and the verdict on the new revision.
 */
export {
  deploymentConfigurationFor,
  loadBalancersFor,
  shiftsTraffic,
  type PauseStage,
  type StrategyKind,
  type StrategySettings
} from './strategy.js'
export { missingForStrategy, STRATEGY_SETTING_NAMES, type StrategyProblem } from './requirements.js'
export {
  revisionTraffic,
  loadBalancerDimension,
  targetGroupDimension,
  type MetricsReader,
  type MinuteTraffic,
  type RevisionTraffic,
  type RevisionTrafficDeps,
  type RevisionTrafficOptions,
  type TrafficFigures
} from './metrics.js'
export {
  analyse,
  type AnalysisOptions,
  type AnalysisResult,
  type AnalysisThresholds,
  type AnalysisVerdict
} from './analysis.js'
export { followProgressive } from './follow.js'
export type {
  BlastRadius,
  FollowProgressiveDeps,
  FollowProgressiveOptions,
  ProgressiveOutcome,
  ProgressiveResult,
  ProgressiveStep,
  StepAnalysis
} from './follow-types.js'
export { productionShare, type RuleReader } from './weights.js'
