import * as core from '@actions/core'
import { errorMessage, isConfigurationError } from '@fargate-promote/common'
import { reportConfigurationError } from './configuration-report.js'

/** An AWS or Node error's name says what went wrong (AccessDeniedException, TypeError). */
function failureReason(error: unknown): string {
  const message = errorMessage(error)
  // Checked as a boolean: the type guard would narrow Error itself away (same shape).
  const configuration: boolean = isConfigurationError(error)
  if (!(error instanceof Error) || configuration) return message
  const named = error.name !== 'Error' && !message.includes(error.name)
  const reason = named ? `${error.name}: ${message}` : message
  return error.cause === undefined ? reason : `${reason} (cause: ${errorMessage(error.cause)})`
}

/**
 * The one catch of an action: awaits `fn`, and if anything is thrown (an Error or not) fails
 * the step with `<name> failed: <reason>`. A ConfigurationError is annotated with its own
 * title, one annotation per problem, so a bad input is told apart from a failed deployment at a
 * glance. Never rethrows and never exits the process: post steps and pending output writes
 * still happen.
 */
export async function runAction(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (error) {
    const message = `${name} failed: ${failureReason(error)}`
    // Set here rather than left to setFailed: @github/local-action's stand-in for @actions/core
    // (npm run local) records a failure without setting the exit code and has no ExitCode enum.
    process.exitCode = 1
    if (isConfigurationError(error)) {
      // setFailed cannot carry a title; this is setFailed with one, an annotation a problem.
      reportConfigurationError(name, error)
      return
    }
    if (error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(message)
  }
}
