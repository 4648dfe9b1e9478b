import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  ConfigurationError,
  checkAgainstSchema,
  parsePositionedYaml,
  readSettingFile,
  type FileRoots,
  type PositionedText
} from '@fargate-promote/common'
import { DEFAULT_CONFIG_PATH } from './paths.js'
import { ConfigSchema, type EnvironmentConfig, type PromotionConfig } from './schema.js'

export { DEFAULT_CONFIG_PATH }

/** The config as read: its settings, the path as the user wrote it, and where each field is. */
export interface LoadedConfig {
  path: string
  config: PromotionConfig
  /** The file as written, before the schema's defaults and conversions (inline checks). */
  raw: unknown
  /** 1-based line of a field, for errors about values read from the file. */
  lineOf(field: readonly PropertyKey[]): number
}

/** The validated config of a text: every problem with its file, line and field at once. */
export async function parseConfigText(text: string, path: string): Promise<LoadedConfig> {
  const subject = { file: path }
  if (text.trim() === '') {
    throw new ConfigurationError('is empty. Start from workflows-templates/fargate-promote.yml.', {
      file: path
    })
  }
  const positioned: PositionedText = await parsePositionedYaml(text, subject)
  const config = checkAgainstSchema(ConfigSchema, positioned, subject)
  return { path, config, raw: positioned.data, lineOf: field => positioned.locate(field).line }
}

export interface ReadConfigOptions {
  /** The path given by the user; undefined reads DEFAULT_CONFIG_PATH when it exists. */
  path: string | undefined
  roots: FileRoots
  /** The setting that named the file (`config`, `--config`), for errors. */
  input: string
}

/**
 * The config file, read inside the workspace like every file a setting names. A path the user
 * gave must exist; the default path is optional (settings may all come from inputs).
 */
export async function readConfigFile(
  options: ReadConfigOptions
): Promise<LoadedConfig | undefined> {
  const { roots, input } = options
  const path = options.path ?? DEFAULT_CONFIG_PATH
  if (options.path === undefined && !existsSync(resolve(roots.workspace, path))) return undefined
  const { text } = readSettingFile(path, roots, { input })
  return parseConfigText(text, path)
}

/** One environment's settings; an error naming the environments there are when it is missing. */
export function environmentOf(
  loaded: LoadedConfig,
  name: string,
  input: string
): EnvironmentConfig {
  const environments = loaded.config.environments
  const found = Object.hasOwn(environments, name) ? environments[name] : undefined
  if (found === undefined) {
    const known = Object.keys(environments).map(key => `'${key}'`)
    throw new ConfigurationError(
      `'${name}' is not an environment of ${loaded.path} (it has ${known.join(', ')}). Add it under 'environments:' or correct the name.`,
      { input }
    )
  }
  return found
}
