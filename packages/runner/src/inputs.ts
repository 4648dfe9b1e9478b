import * as core from '@actions/core'
import { InputReader } from '@fargate-promote/common'

/**
 * The step's inputs (INPUT_<NAME>, hyphens kept) as the typed reader every front end shares:
 * the use cases' own input schemas read them, so the action, the CLI and the rehearsal parse
 * settings by the same rules.
 */
export function actionInputs(): InputReader {
  return new InputReader({ raw: name => core.getInput(name, { trimWhitespace: false }) })
}
