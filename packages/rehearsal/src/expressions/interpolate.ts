import { asText } from './data.js'

/** `text ${{ expr }} text` with each expression's value as text (action.yml defaults). */
export function interpolate(text: string, evaluate: (expression: string) => unknown): string {
  let out = ''
  let from = 0
  for (let start = text.indexOf('${{', from); start >= 0; start = text.indexOf('${{', from)) {
    let end = start + 3
    let quoted = false
    for (; end < text.length && (quoted || !text.startsWith('}}', end)); end++) {
      if (text[end] === "'") quoted = !quoted
    }
    if (end >= text.length) throw new Error(`Unclosed \${{ in: ${text}`)
    out += text.slice(from, start) + asText(evaluate(text.slice(start + 3, end).trim()))
    from = end + 2
  }
  return out + text.slice(from)
}
