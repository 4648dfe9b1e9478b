/*
 * Progressive delivery with ECS-native strategies: the service settings a strategy needs, the
 * traffic each revision's target group saw, and the verdict on the new revision.
 */
export {
  deploymentConfigurationFor,
  loadBalancersFor,
  shiftsTraffic,
  verificationStagesFor,
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
  StepAnalysis,
  TestTrafficCheck,
  TestTrafficVerdict
} from './follow-types.js'
export { loadBalancerOf, productionShare, type RuleReader } from './weights.js'
export {
  resumeProgressive,
  type ResumeAction,
  type ResumeProgressiveOptions,
  type ResumeResult
} from './resume.js'
