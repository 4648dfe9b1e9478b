import { completeDeployment } from './deployments.js'
import type { DeploymentRec, LifecycleStage, ServiceRec } from './model.js'
import { now, serviceTasks, type EcsStore } from './store.js'
import { launchTasks } from './launch.js'
import { holdAtPauseHook } from './pause-hooks.js'
import { isHealthy, isLive } from './tasks.js'
import { stopServiceTasks, weightsFor, writeWeights } from './traffic-shift.js'

/**
 * The lifecycle of an ECS-native BLUE_GREEN, CANARY or LINEAR deployment, one step per
 * scheduler tick (ECS-DG "Amazon ECS blue/green deployments", "Amazon ECS canary deployments",
 * "Amazon ECS linear deployments"; stages from SDK enum ServiceDeploymentLifecycleStage):
 *
 * RECONCILE_SERVICE (only with more than one ACTIVE revision) → PRE_SCALE_UP → SCALE_UP (green
 * at full desired count in the non-production target group, until healthy) → POST_SCALE_UP →
 * TEST_TRAFFIC_SHIFT (test rule 100 % green) → POST_TEST_TRAFFIC_SHIFT → for each traffic step:
 * PRE_PRODUCTION_TRAFFIC_SHIFT → PRODUCTION_TRAFFIC_SHIFT (production weights moved; the step's
 * bake time is spent here, except after 100 %) → POST_PRODUCTION_TRAFFIC_SHIFT → BAKE_TIME
 * (bakeTimeInMinutes, blue still running) → CLEAN_UP (blue stopped) → SUCCESSFUL.
 *
 * A stage with a PAUSE hook waits for ContinueServiceDeployment (pause-hooks.ts).
 * GUESSES: every other hook-able stage lasts one tick because the sim runs no Lambda hook; the
 * step bake is reported as PRODUCTION_TRAFFIC_SHIFT; blue tasks that fail during the shift are
 * not replaced.
 */

export function isShifting(deployment: DeploymentRec): boolean {
  return deployment.shift?.active === true && deployment.rolloutState === 'IN_PROGRESS'
}

function enter(store: EcsStore, deployment: DeploymentRec, stage: LifecycleStage): void {
  const sd = deployment.serviceDeployment
  sd.lifecycleStage = stage
  sd.lifecycleHistory = [...(sd.lifecycleHistory ?? []), stage]
  sd.updatedAt = now(store)
  if (deployment.shift !== undefined) deployment.shift.stageSinceSim = store.simNow
}

/** One tick of a traffic-shifting deployment that is the service's PRIMARY. */
export function reconcileShift(store: EcsStore, service: ServiceRec, deployment: DeploymentRec) {
  const shift = deployment.shift
  if (shift === undefined) return
  const tasks = serviceTasks(store, service).filter(isLive)
  const green = tasks.filter(t => t.deployment === deployment)
  const others = tasks.filter(t => t.deployment !== deployment)
  const stage = deployment.serviceDeployment.lifecycleStage
  if (stage !== 'RECONCILE_SERVICE' && stage !== 'PRE_SCALE_UP') {
    // Green is kept at the desired count from SCALE_UP on (failed tasks are replaced).
    launchTasks(store, service, deployment, service.desiredCount - green.length)
  }
  // A PAUSE hook holds the deployment in its stage until ContinueServiceDeployment or timeout.
  if (holdAtPauseHook(store, deployment)) return
  const waited = store.simNow - shift.stageSinceSim
  switch (stage) {
    case 'RECONCILE_SERVICE':
      stopServiceTasks(
        store,
        service,
        deployment,
        others.filter(t => t.deployment !== shift.blue)
      )
      enter(store, deployment, 'PRE_SCALE_UP')
      return
    case 'PRE_SCALE_UP':
      enter(store, deployment, 'SCALE_UP')
      return
    case 'SCALE_UP':
      if (green.length >= service.desiredCount && green.every(t => isHealthy(store, t))) {
        enter(store, deployment, 'POST_SCALE_UP')
      }
      return
    case 'POST_SCALE_UP':
      enter(store, deployment, 'TEST_TRAFFIC_SHIFT')
      for (const lb of shift.lbs) {
        if (lb.testListenerRule === undefined) continue
        writeWeights(store, service, lb.testListenerRule, weightsFor(lb, 100))
      }
      return
    case 'TEST_TRAFFIC_SHIFT':
      enter(store, deployment, 'POST_TEST_TRAFFIC_SHIFT')
      return
    case 'POST_TEST_TRAFFIC_SHIFT':
      enter(store, deployment, 'PRE_PRODUCTION_TRAFFIC_SHIFT')
      return
    case 'PRE_PRODUCTION_TRAFFIC_SHIFT': {
      enter(store, deployment, 'PRODUCTION_TRAFFIC_SHIFT')
      const percent = shift.steps[shift.stepIndex] ?? 100
      for (const lb of shift.lbs) {
        writeWeights(store, service, lb.productionListenerRule, weightsFor(lb, percent))
      }
      return
    }
    case 'PRODUCTION_TRAFFIC_SHIFT': {
      const percent = shift.steps[shift.stepIndex] ?? 100
      if (percent >= 100) {
        enter(store, deployment, 'POST_PRODUCTION_TRAFFIC_SHIFT')
      } else if (waited >= shift.stepBakeMs) {
        shift.stepIndex++
        enter(store, deployment, 'PRE_PRODUCTION_TRAFFIC_SHIFT')
      }
      return
    }
    case 'POST_PRODUCTION_TRAFFIC_SHIFT':
      enter(store, deployment, 'BAKE_TIME')
      return
    case 'BAKE_TIME':
      if (waited >= shift.bakeMs) {
        enter(store, deployment, 'CLEAN_UP')
        stopServiceTasks(store, service, deployment, others)
      }
      return
    case 'CLEAN_UP': {
      // Blue tasks started before CLEAN_UP may still be on their way; stop any left.
      stopServiceTasks(store, service, deployment, others)
      const blueGone = serviceTasks(store, service).every(
        t => t.deployment === deployment || t.lastStatus === 'STOPPED'
      )
      const greenReady =
        green.length === service.desiredCount && green.every(t => isHealthy(store, t))
      if (blueGone && greenReady) {
        shift.active = false
        completeDeployment(store, service, deployment)
      }
      return
    }
    default:
      return
  }
}
