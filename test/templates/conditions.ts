/**
 * A workflow's `if:` as GitHub decides it, with GitHub's own expression engine
 * (@actions/expressions): the contexts given as plain values, and the status functions answering
 * for a run where an earlier step or job did (or did not) fail.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions'

/** A JavaScript value as the expression evaluator's data. */
export function expressionData(value: unknown): data.ExpressionData {
  if (typeof value === 'string') return new data.StringData(value)
  if (typeof value === 'boolean') return new data.BooleanData(value)
  if (typeof value === 'number') return new data.NumberData(value)
  if (value !== null && typeof value === 'object') {
    const dictionary = new data.Dictionary()
    for (const [key, item] of Object.entries(value)) dictionary.add(key, expressionData(item))
    return dictionary
  }
  return new data.Null()
}

/**
 * Whether a step or job with this `if:` runs: the expression (with `success()` implied when it
 * calls no status function), given whether an earlier step or job failed.
 */
export function runs(
  condition: string | undefined,
  contexts: Record<string, unknown>,
  failed = false
): boolean {
  const expression = condition ?? 'success()'
  const implied = /\b(success|failure|always|cancelled)\(/.test(expression)
    ? expression
    : `success() && (${expression})`
  // `!!` turns the value (the last operand of && or ||) into the boolean GitHub acts on.
  const lexed = new Lexer(`!!(${implied})`).lex()
  const functions = ['success', 'failure', 'always', 'cancelled'].map(name => ({
    name,
    description: '',
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(name === 'always' || (name === 'failure') === failed)
  }))
  const ast = new Parser(lexed.tokens, Object.keys(contexts), functions).parse()
  const evaluator = new Evaluator(
    ast,
    expressionData(contexts) as data.Dictionary,
    new Map(functions.map(f => [f.name, f]))
  )
  return evaluator.evaluate().coerceString() === 'true'
}
