import { createInterface } from 'node:readline'
import type { InStream, OutStream } from '../io.js'
import { printable } from '../text.js'

/** Questions on stderr (stdout stays for results), answers line by line from stdin. */
export interface Prompt {
  ask(question: string): Promise<string>
  close(): void
}

export function createPrompt(input: InStream, output: OutStream): Prompt {
  const lines = createInterface({ input, terminal: false })
  // The iterator buffers lines typed (or piped) before a question is asked; rl.question would drop them.
  const iterator = lines[Symbol.asyncIterator]()
  return {
    async ask(question) {
      output.write(question)
      const next = await iterator.next()
      if (next.done === true) throw new Error('No answer: the input ended.')
      return String(next.value).trim()
    },
    close: () => lines.close()
  }
}

/** A numbered list of names, each made printable (they come from the AWS account). */
export function numbered(names: readonly string[]): string {
  return names
    .map((name, index) => `  ${String(index + 1).padStart(3)}  ${printable(name)}`)
    .join('\n')
}

/** `2` or a name from `names`; undefined when the answer is neither. */
export function pickOne(answer: string, names: readonly string[]): string | undefined {
  if (/^\d+$/.test(answer)) return names[Number(answer) - 1]
  return names.includes(answer) ? answer : undefined
}

/** `1,3` / `web worker` / `1 worker`: every item must be a number or a name from `names`. */
export function pickMany(answer: string, names: readonly string[]): string[] | undefined {
  const items = answer.split(/[\s,]+/).filter(item => item !== '')
  const picked = items.map(item => pickOne(item, names))
  if (items.length === 0 || picked.some(name => name === undefined)) return undefined
  return [...new Set(picked as string[])]
}

/** Asks until the answer is valid; an empty answer takes the default when there is one. */
export async function askUntil<T>(
  prompt: Prompt,
  question: string,
  parse: (answer: string) => T | undefined,
  fallback?: string
): Promise<T> {
  for (;;) {
    const answer = await prompt.ask(
      `${question}${fallback === undefined ? '' : ` [${printable(fallback)}]`}: `
    )
    const value = parse(answer === '' && fallback !== undefined ? fallback : answer)
    if (value !== undefined) return value
  }
}
