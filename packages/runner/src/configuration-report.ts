import { configurationProblems, type ConfigurationError } from '@fargate-promote/common'
import { Annotations } from './annotations.js'
import { neutralizeCommands } from './commands.js'

export const CONFIGURATION_ERROR_TITLE = 'Configuration error'

/**
 * Fails the step for a bad configuration: one error annotation per problem (each names its
 * input, the value and what to give), titled so a bad input is told apart from a failed
 * deployment, and numbered when there are several, so every problem is seen in one run. More
 * than GitHub shows per step are summed up in the last (see Annotations). Inputs are quoted in
 * the messages: their text is kept from being read as a workflow command.
 */
export function reportConfigurationError(name: string, error: ConfigurationError): void {
  const problems = configurationProblems(error)
  const annotations = new Annotations()
  problems.forEach((problem, index) => {
    const title =
      problems.length === 1
        ? CONFIGURATION_ERROR_TITLE
        : `${CONFIGURATION_ERROR_TITLE} (${index + 1} of ${problems.length})`
    annotations.error(neutralizeCommands(`${name} failed: ${problem.message}`), { title })
  })
  annotations.flush()
}
