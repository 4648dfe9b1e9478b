/**
 * Canary secrets: distinct values planted wherever a user puts a secret (task-definition
 * environment and `secrets`, tokens, headers, URL passwords, the CLI's environment), and the
 * search for them, or any encoding of them, in everything a run leaves behind.
 */
import { randomBytes } from 'node:crypto'

/** Where a canary is planted; each gets its own value so a leak says which path leaked. */
export const PURPOSES = [
  'db-password',
  'api-token',
  'aws-secret-key',
  'session-key',
  'secret-arn',
  'env-input',
  'github-token',
  'bearer',
  'basic-password',
  'url-password',
  'config-bearer',
  'config-url-password',
  'command-env',
  'cli-github-token',
  'cli-aws-secret',
  'cli-aws-session',
  'rehearsal-secret'
] as const

export type Purpose = (typeof PURPOSES)[number]

/** A user name for basic auth and URL credentials; not secret, but only its pairing is. */
export const USER = 'deployer'

/**
 * `s3cr3t-<purpose>-<random>`; URL passwords get a `/` and a `+` after the random part so their
 * percent-encoded and decoded forms differ (both must stay out).
 */
export function makeCanaries(): Record<Purpose, string> {
  const run = randomBytes(4).toString('hex')
  return Object.fromEntries(
    PURPOSES.map(purpose => {
      const value = `s3cr3t-${purpose}-${run}${randomBytes(3).toString('hex')}`
      return [purpose, purpose.endsWith('url-password') ? `${value}/x+y` : value]
    })
  ) as Record<Purpose, string>
}

/** `Basic base64(user:password)`'s credential part. */
export const basic = (password: string) => Buffer.from(`${USER}:${password}`).toString('base64')

/** A URL with the canary as its (percent-encoded) password. */
export const withPassword = (url: string, password: string) =>
  url.replace('://', `://${USER}:${encodeURIComponent(password)}@`)

/**
 * Base64 of the value as it may sit inside a longer encoded text: from each of the three byte
 * offsets (as the runner's masker does), without the final characters that depend on what
 * follows. Long enough (≥ 16 characters) never to match by chance.
 */
function base64Forms(value: string): string[] {
  return [0, 1, 2].map(shift => {
    const text = Buffer.from(value).subarray(shift).toString('base64').replace(/=+$/, '')
    return text.slice(0, text.length - 4)
  })
}

/** Every form in which a canary must not appear. */
export function forms(value: string): Map<string, string> {
  const found = new Map<string, string>([
    ['plain', value],
    ['url-encoded', encodeURIComponent(value)],
    ['json-escaped', JSON.stringify(value).slice(1, -1)],
    ['basic-auth', basic(value)]
  ])
  base64Forms(value).forEach((text, shift) => found.set(`base64+${shift}`, text))
  // The random core alone: any slice of the canary that carries it leaks it.
  found.set('core', value.replace(/\/x\+y$/, ''))
  return found
}

export interface Leak {
  where: string
  purpose: string
  form: string
  /** The text around the leak, to find it. */
  excerpt: string
}

/** Every place in `texts` (name → text) where a canary appears in one of its forms. */
export function findLeaks(
  texts: Readonly<Record<string, string>>,
  canaries: Readonly<Record<string, string>>
): Leak[] {
  const leaks: Leak[] = []
  for (const [where, text] of Object.entries(texts)) {
    for (const [purpose, value] of Object.entries(canaries)) {
      for (const [form, needle] of forms(value)) {
        const at = text.indexOf(needle)
        if (at === -1) continue
        leaks.push({ where, purpose, form, excerpt: text.slice(Math.max(0, at - 80), at + 80) })
        break
      }
    }
  }
  return leaks
}

const ADD_MASK = '::add-mask::'

/** @actions/core's escaping of a command's data, undone. */
const unescapeData = (text: string) =>
  text.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%')

/** The values a step registered with `::add-mask::`, in order. */
export function maskedValues(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(line => line.startsWith(ADD_MASK))
    .map(line => unescapeData(line.slice(ADD_MASK.length)))
}

/**
 * A step's stdout as the runner shows it: the `::add-mask::` lines hidden, and from each on, the
 * value and its encodings (base64 at each offset, percent- and JSON-escaped: the runner's value
 * encoders) replaced by ***. What is left must hold no canary.
 */
export function asTheRunnerShows(stdout: string): string {
  const masks: string[] = []
  const shown: string[] = []
  for (const line of stdout.split('\n')) {
    if (line.startsWith(ADD_MASK)) {
      const value = unescapeData(line.slice(ADD_MASK.length))
      for (const [form, text] of forms(value)) {
        if (form !== 'core' && form !== 'basic-auth' && text.length >= 4) masks.push(text)
      }
      masks.sort((a, b) => b.length - a.length)
      continue
    }
    shown.push(masks.reduce((text, mask) => text.split(mask).join('***'), line))
  }
  return shown.join('\n')
}
