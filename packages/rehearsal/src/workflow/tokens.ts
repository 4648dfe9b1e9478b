import { isMapping } from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'

/**
 * The value of `key` in a mapping of the parsed workflow (case-sensitive, as the parser keeps
 * keys), or undefined: for the keys the converted model drops (`with`, `defaults`, `on.*`).
 */
export function child(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token !== undefined && isMapping(token) ? token.find(key) : undefined
}
