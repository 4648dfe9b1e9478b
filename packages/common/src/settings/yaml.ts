/**
 * The YAML parser, loaded when a YAML text is first parsed: most runs read none (JSON task
 * definitions, no checks), and an action's start-up does not pay for it.
 */
export function loadYaml(): Promise<typeof import('yaml')> {
  return import('yaml')
}
