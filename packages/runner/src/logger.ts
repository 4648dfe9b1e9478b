import * as core from '@actions/core'
import type { Logger } from '@fargate-promote/common'
import { neutralizeCommands } from './commands.js'

/**
 * common's Logger on the runner log: warnings become warning annotations, debug needs
 * ACTIONS_STEP_DEBUG. Library messages carry text from outside (AWS events, check names), so an
 * info line is neutralised before it is written; warnings, debug lines and group titles are
 * workflow commands whose data @actions/core escapes, so they cannot start another one.
 */
export const actionsLogger: Logger = {
  info: message => core.info(neutralizeCommands(message)),
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
