import { isAbsolute, normalize } from 'node:path'
import { z } from 'zod'
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../check-defaults.js'
import { quote } from '../quote.js'
import { COMMAND_SHELLS, type CommandCheckSpec } from '../types.js'
import { boundedNumber, checkType, duration, namedValues, optional, text } from './fields.js'

/** A portable variable name, not one of those the run sets itself (FARGATE_PROMOTE_URL, …). */
const ENV_NAME = /^(?!FARGATE_PROMOTE_)[A-Za-z_][A-Za-z0-9_]*$/

const env = namedValues('variable', ENV_NAME, name =>
  name.startsWith('FARGATE_PROMOTE_')
    ? `'${name}' is set by the run itself; choose another name.`
    : `${quote(name)} is not a valid variable name.`
).describe('Variables for the command. Values of secret-looking names are masked.')

const shell = z
  .enum(COMMAND_SHELLS, {
    error: issue =>
      `${quote(issue.input)} is not supported. Use one of ${COMMAND_SHELLS.join(', ')}.`
  })
  .describe('bash (default) or sh; both stop at the first failing command.')

/** Inside the workspace: a path that climbs out of it is a mistake, not a choice. */
const workingDirectory = text('a directory in the workspace').refine(
  path => !isAbsolute(path) && normalize(path).split(/[\\/]/)[0] !== '..',
  { error: issue => `${quote(issue.input)} is not a path inside the workspace.` }
)

export const CommandCheck = checkType('command', {
  run: text('the command to run'),
  timeout: optional(duration).describe('Ends the command after this long. Default 10m.'),
  shell: optional(shell),
  env: optional(env),
  'working-directory': optional(workingDirectory),
  attempts: optional(boundedNumber(1, 10, true)).describe(
    'How many runs a failing command gets in verify mode. Default 1: its exit code decides.'
  )
}).transform((fields): Omit<CommandCheckSpec, 'name'> => ({
  type: 'command',
  run: fields.run,
  shell: fields.shell ?? 'bash',
  env: fields.env ?? {},
  ...(fields['working-directory'] !== undefined && {
    workingDirectory: fields['working-directory']
  }),
  timeoutMs: fields.timeout ?? DEFAULT_COMMAND_TIMEOUT_MS,
  attempts: fields.attempts ?? 1
}))
