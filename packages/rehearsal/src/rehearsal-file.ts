import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import type { StandInDeclaration } from './stand-ins/types.js'

/** Where an application declares stand-ins for the third-party actions its workflows use. */
export const REHEARSAL_FILE = '.github/rehearsal.yml'

function record(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${REHEARSAL_FILE}: ${where} must be a mapping of names to values.`)
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))
}

/** The declared stand-ins of `.github/rehearsal.yml`; none when the file does not exist. */
export async function readRehearsalFile(
  repoRoot: string
): Promise<Record<string, StandInDeclaration>> {
  let text: string
  try {
    text = await readFile(join(repoRoot, REHEARSAL_FILE), 'utf8')
  } catch {
    return {}
  }
  const raw = (parse(text) ?? {}) as { 'stand-ins'?: unknown }
  const standIns = raw['stand-ins'] ?? {}
  if (standIns === null || typeof standIns !== 'object' || Array.isArray(standIns)) {
    throw new Error(
      `${REHEARSAL_FILE}: stand-ins must be a mapping of actions (owner/repo) to stand-ins.`
    )
  }
  const declared: Record<string, StandInDeclaration> = {}
  for (const [action, value] of Object.entries(standIns)) {
    const entry = (value ?? {}) as { note?: unknown; outputs?: unknown; env?: unknown }
    declared[action] = {
      ...(entry.note !== undefined && {
        note: typeof entry.note === 'string' ? entry.note : JSON.stringify(entry.note)
      }),
      outputs: record(entry.outputs, `stand-ins.${action}.outputs`),
      env: record(entry.env, `stand-ins.${action}.env`)
    }
  }
  return declared
}
