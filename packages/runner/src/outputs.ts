import * as core from '@actions/core'

export type OutputValue = string | number | boolean | object | null | undefined

/** Text for an output: strings as they are, scalars stringified, objects and arrays as JSON. */
export function outputText(value: Exclude<OutputValue, null | undefined>): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/**
 * Sets every output of the record. undefined and null are skipped, so "not known" stays an
 * unset output (which a workflow reads as '') instead of the text 'null' or 'undefined'.
 */
export function setOutputs(outputs: Readonly<Record<string, OutputValue>>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value === undefined || value === null) continue
    core.setOutput(name, outputText(value))
  }
}

/**
 * State passed from main to post of the same action. Keys come from the caller's string enum,
 * e.g. `enum State { DeploymentId = 'deployment-id' }`, so main and post cannot drift apart.
 */
export function saveState<K extends string>(
  key: K,
  value: Exclude<OutputValue, null | undefined>
): void {
  core.saveState(key, outputText(value))
}

/** The saved value, or undefined when main saved nothing under this key. */
export function getState<K extends string>(key: K): string | undefined {
  const value = core.getState(key)
  return value === '' ? undefined : value
}
