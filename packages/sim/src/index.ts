export { startSim, type Sim, type SimOptions } from './server.js'
export {
  createSimClock,
  simTimeAt,
  type DisposableSimClock,
  type SimClockInfo,
  type SimClockOptions
} from './clock.js'
export {
  loadScenario,
  validateScenario,
  ScenarioApplyError,
  ScenarioError,
  type Scenario
} from './scenario.js'
export type { WorldFactories, World } from './world.js'
export type { FaultRuleInput } from './faults.js'
export * from './contract.js'
export { roundTrips } from './round-trips.js'
export {
  countsSince,
  revisionTotal,
  startTraffic,
  type TrafficCounts,
  type TrafficGenerator,
  type TrafficOptions,
  type TrafficResponse
} from './traffic.js'
