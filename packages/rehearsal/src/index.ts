export type * from './model.js'
export { rehearse, REHEARSAL_TOKEN } from './rehearse.js'
export type { RehearsalOptions, EnvironmentProtection, ApprovalRequest } from './engine/context.js'
export { silentListener } from './engine/context.js'
export type { StandInDeclaration } from './stand-ins/types.js'
export { WorkflowError, formatProblem } from './workflow/load.js'
export { openSim, pushCommits, type OpenSimOptions } from './sim/open.js'
export {
  protectionFromConfig,
  scenarioFromConfig,
  repositoryOf,
  alternateGroupOf,
  INFRASTRUCTURE_ROLE
} from './sim/seed.js'
export {
  startSimTraffic,
  PRODUCTION_TRAFFIC_RATE,
  type SimTraffic,
  type TrafficCounts
} from './sim/traffic.js'
export type { RunningSim } from './sim/start.js'
export { readRehearsalFile } from './rehearsal-file.js'
export * from './report/index.js'
