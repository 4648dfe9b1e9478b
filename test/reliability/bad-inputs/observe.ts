/**
 * What a bad input may leave behind, read the way the runner reads it: the workflow commands on
 * a step's output, the annotations among them, and the forged lines that must not be there.
 */
import type { CallRecord } from '@fargate-promote/sim'

/** What .NET's TrimStart removes before the runner looks for `::` (includes NEL, U+0085). */
const DOTNET_LEADING_WHITE_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/

/** The lines of a stream as the runner splits them, each as its command parser sees it. */
export function runnerLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map(line => line.replace(DOTNET_LEADING_WHITE_SPACE, ''))
}

/** The commands an action itself writes; any other `::name` line was forged. */
const OWN_COMMAND = /^::(error|warning|notice|group|endgroup|debug|add-mask)( [^:]*)?::/

/** Lines the runner would take for a workflow command that the action does not write. */
export function foreignCommands(text: string): string[] {
  return runnerLines(text).filter(
    // The legacy `##[command]` form is honoured anywhere in a line.
    line => (line.startsWith('::') && !OWN_COMMAND.test(line)) || line.includes('##[')
  )
}

export interface Annotation {
  level: string
  title: string
  message: string
}

/** @actions/core's escaping of a command's data and properties, undone. */
const unescape = (text: string) =>
  text
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%3A', ':')
    .replaceAll('%2C', ',')
    .replaceAll('%25', '%')

export function annotations(stdout: string): Annotation[] {
  return runnerLines(stdout).flatMap(line => {
    const match = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line)
    if (match === null) return []
    const title = /(?:^| |,)title=([^,]*)/.exec(match[2] ?? '')?.[1] ?? ''
    return [
      { level: match[1] as string, title: unescape(title), message: unescape(match[3] ?? '') }
    ]
  })
}

/** Lines that start with the forged text: it became a line of its own. */
export function forgedLines(text: string, smuggled: string | undefined): string[] {
  if (smuggled === undefined) return []
  return [...text.split(/\r\n|\r|\n/), ...runnerLines(text)].filter(line =>
    line.startsWith(smuggled)
  )
}

/** A mutating call, shown so a failure says what was changed. */
export const describeCall = (call: CallRecord) => `${call.service} ${call.operation}`
