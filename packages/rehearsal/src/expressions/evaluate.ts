import { Evaluator, Lexer, Parser, data, type Expr } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'
import { TokenType } from '@actions/expressions/lexer'
import { truthy } from '@actions/expressions/result'
import { isBasicExpression, isLiteral, isMapping, isSequence } from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { toData, toPlain, type MissRecorder } from './data.js'

/** Every context a workflow may read; each must exist in the root dictionary (even empty). */
export const CONTEXT_NAMES = [
  'github',
  'env',
  'vars',
  'secrets',
  'inputs',
  'needs',
  'steps',
  'matrix',
  'strategy',
  'job',
  'jobs',
  'runner'
] as const

export type ContextName = (typeof CONTEXT_NAMES)[number]
export type Contexts = Partial<Record<ContextName, unknown>>

/** What the status functions answer where the expression is evaluated. */
export type StatusCheck = 'success' | 'failure' | 'cancelled'

export interface Scope {
  contexts: Contexts
  /** The status so far: the job's previous steps, or the jobs a job needs. */
  status: () => JobStatus
  /** hashFiles() over the workspace. */
  hashFiles?: (patterns: string[]) => string
}

/** `blocked`: a job a job needs did not succeed (skipped), so `success()` is false. */
export interface JobStatus {
  failed: boolean
  cancelled: boolean
  blocked?: boolean
}

export class ExpressionProblem extends Error {
  constructor(
    readonly expression: string,
    message: string
  ) {
    super(message)
    this.name = 'ExpressionProblem'
  }
}

function statusFunctions(scope: Scope): FunctionDefinition[] {
  const status = (name: string, answer: () => boolean): FunctionDefinition => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(answer())
  })
  return [
    status('success', () => {
      const now = scope.status()
      return !now.failed && !now.cancelled && now.blocked !== true
    }),
    status('failure', () => {
      const now = scope.status()
      return now.failed && !now.cancelled
    }),
    status('cancelled', () => scope.status().cancelled),
    status('always', () => true),
    {
      name: 'hashFiles',
      minArgs: 1,
      maxArgs: 255,
      call: (...patterns) =>
        new data.StringData(scope.hashFiles?.(patterns.map(p => p.coerceString())) ?? '')
    }
  ]
}

const NO_STATUS: Scope = { contexts: {}, status: () => ({ failed: false, cancelled: false }) }

/** Parses an expression (the text inside `${{ }}`) as GitHub does. */
export function parseExpression(expression: string): Expr {
  const functions = statusFunctions(NO_STATUS)
  const tokens = new Lexer(expression).lex().tokens
  // The lexer unescapes only the first '' of a string literal; GitHub unescapes every one (a
  // script with `${{ }}` becomes format('…') with its quotes doubled, and must reach bash whole).
  for (const token of tokens) {
    if (token.type === TokenType.STRING) token.value = token.lexeme.slice(1, -1).replace(/''/g, "'")
  }
  const ast = new Parser(tokens, [...CONTEXT_NAMES], functions).parse()
  if (ast === undefined) throw new ExpressionProblem(expression, 'The expression is empty.')
  return ast
}

/** Evaluates an expression to the engine's data; `miss` hears every read of a missing key. */
export function evaluateData(
  expression: string,
  scope: Scope,
  miss: MissRecorder = () => undefined
): data.ExpressionData {
  try {
    const ast = parseExpression(expression)
    const root = new data.Dictionary()
    for (const name of CONTEXT_NAMES) root.add(name, toData(scope.contexts[name] ?? {}, miss, name))
    const functions = new Map(statusFunctions(scope).map(f => [f.name.toLowerCase(), f]))
    return new Evaluator(ast, root, functions).evaluate()
  } catch (error) {
    if (error instanceof ExpressionProblem) throw error
    throw new ExpressionProblem(expression, error instanceof Error ? error.message : String(error))
  }
}

export function evaluate(expression: string, scope: Scope, miss?: MissRecorder): unknown {
  return toPlain(evaluateData(expression, scope, miss))
}

export function evaluateCondition(expression: string, scope: Scope, miss?: MissRecorder): boolean {
  return truthy(evaluateData(expression, scope, miss))
}

/** A token of the workflow as a plain value: literals as they are, expressions evaluated. */
export function evaluateToken(
  token: TemplateToken | undefined,
  scope: Scope,
  miss?: (path: string, expression: string) => void
): unknown {
  if (token === undefined) return undefined
  if (isBasicExpression(token)) {
    return evaluate(token.expression, scope, path => miss?.(path, token.expression))
  }
  if (isLiteral(token)) return (token as unknown as { value?: unknown }).value ?? null
  if (isSequence(token)) return [...token].map(item => evaluateToken(item, scope, miss))
  if (isMapping(token)) {
    const result: Record<string, unknown> = {}
    for (const pair of token) {
      const key = evaluateToken(pair.key, scope, miss)
      result[String(key)] = evaluateToken(pair.value, scope, miss)
    }
    return result
  }
  return undefined
}
