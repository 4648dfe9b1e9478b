import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { ConfigurationError, errorMessage, type ConfigurationSubject } from '../errors.js'

/**
 * Where a file named by a setting may be. The workspace is the checked-out repository: relative
 * paths resolve there. The runner's temp directory is where render steps (such as
 * aws-actions/amazon-ecs-render-task-definition) write the files they hand on.
 */
export interface FileRoots {
  workspace: string
  /** RUNNER_TEMP, when the runner gives one. */
  temp?: string
}

/** Files a setting names are configuration, never data: anything larger is a mistake. */
export const MAX_SETTING_FILE_BYTES = 1024 * 1024

/** Errors from Node's own modules come from another realm under jest; read them by shape. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** The OS reason without Node's ", open '/path'" suffix: "ENOENT: no such file or directory". */
export function osReason(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message
  const text = typeof message === 'string' ? message : errorMessage(error)
  return text.replace(/, \w+(?: '[^']*')?$/, '')
}

function realRoot(dir: string): string | undefined {
  try {
    return realpathSync(dir)
  } catch {
    return undefined
  }
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path)
  // `..foo.json` is a file in the root; `..` and `../x` are outside it.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

function allowedPlaces(roots: FileRoots): string {
  return roots.temp === undefined
    ? `the workspace (${roots.workspace})`
    : `the workspace (${roots.workspace}) or the runner's temp directory (${roots.temp})`
}

/**
 * The real path of the file `path` names, after every symlink is followed, when it lies inside
 * the workspace or the runner's temp directory. `../`, absolute paths elsewhere and links that
 * lead out are refused: a setting must not make the action read whatever the runner can read.
 */
export function resolveSettingFile(
  path: string,
  roots: FileRoots,
  subject: ConfigurationSubject
): string {
  const absolute = isAbsolute(path) ? path : resolve(roots.workspace, path)
  let real: string
  try {
    real = realpathSync(absolute)
  } catch (error) {
    const hint =
      codeOf(error) === 'ENOENT' ? ' Give a path relative to the workspace that exists.' : ''
    throw new ConfigurationError(`cannot read '${path}': ${osReason(error)}.${hint}`, subject)
  }
  const places = [roots.workspace, roots.temp]
    .filter((dir): dir is string => dir !== undefined && dir !== '')
    .map(realRoot)
    .filter((dir): dir is string => dir !== undefined)
  if (!places.some(root => inside(real, root))) {
    throw new ConfigurationError(
      `'${path}' resolves to ${real}, outside ${allowedPlaces(roots)}. Give a file in the repository, or one a render step wrote to $RUNNER_TEMP.`,
      subject
    )
  }
  return real
}

/** What a path is when it is not a regular file, in the words of a message. */
function notRegular(stats: ReturnType<typeof fstatSync>): string | undefined {
  if (stats.isFile()) return undefined
  if (stats.isDirectory()) return 'it is a directory'
  return 'it is not a regular file (a named pipe, a socket or a device)'
}

class NotRegularFile extends Error {}

/**
 * Reads at most `maxBytes + 1` bytes, so a huge file is refused without reading it whole.
 * Opened non-blocking: opening a named pipe would otherwise wait for a writer forever, and with
 * it the whole step (the open is synchronous, so no timer or signal handler could run).
 */
function readBounded(path: string, maxBytes: number): { text: string; tooLarge: boolean } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const reason = notRegular(fstatSync(fd))
    if (reason !== undefined) throw new NotRegularFile(reason)
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
      if (length > maxBytes) return { text: '', tooLarge: true }
    }
    return { text: buffer.subarray(0, length).toString('utf8'), tooLarge: false }
  } finally {
    closeSync(fd)
  }
}

export interface SettingFile {
  /** As the user wrote it. */
  path: string
  /** Absolute, with symlinks resolved. */
  fullPath: string
  text: string
}

/** A file a setting names: inside the allowed places, at most `maxBytes`, read as UTF-8. */
export function readSettingFile(
  path: string,
  roots: FileRoots,
  subject: ConfigurationSubject,
  maxBytes: number = MAX_SETTING_FILE_BYTES
): SettingFile {
  const fullPath = resolveSettingFile(path, roots, subject)
  let read: { text: string; tooLarge: boolean }
  try {
    read = readBounded(fullPath, maxBytes)
  } catch (error) {
    const reason = error instanceof NotRegularFile ? error.message : osReason(error)
    throw new ConfigurationError(`cannot read '${path}': ${reason}.`, subject)
  }
  if (read.tooLarge) {
    throw new ConfigurationError(
      `'${path}' is larger than ${maxBytes} bytes; a file this big is not a configuration file. Check the path.`,
      subject
    )
  }
  return { path, fullPath, text: read.text }
}
