import * as core from './toolkit.js'
import type { Logger } from '@fargate-promote/common'

/** common's Logger on the runner log: warnings become warning annotations, debug needs ACTIONS_STEP_DEBUG. */
export const actionsLogger: Logger = {
  info: message => core.info(message),
  warning: message => core.warning(message),
  debug: message => core.debug(message),
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    core.startGroup(title)
    try {
      return await fn()
    } finally {
      core.endGroup()
    }
  }
}
