import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import {
  ExpressionProblem,
  evaluate,
  evaluateCondition,
  evaluateToken,
  type Contexts,
  type Scope
} from '../expressions/evaluate.js'
import type { Conclusion, Problem } from '../model.js'
import { report, type Engine } from './context.js'

/** Where an expression is evaluated, for the problems it causes. */
export interface Place {
  file: string
  job: string
  step?: string
}

/** What a step or job has produced so far, to tell a read of an unset output from a typo. */
export interface Producers {
  steps: Record<
    string,
    { outcome: Conclusion; conclusion: Conclusion; outputs: Record<string, string> }
  >
}

/**
 * Evaluates expressions for one job (or step) and reports problems where they happen: an
 * expression error is an error (the step fails, as on GitHub); reading an output that a step
 * which succeeded never set is a warning, or an error under --strict.
 */
export class Evaluation {
  constructor(
    private readonly engine: Engine,
    readonly scope: Scope,
    private readonly place: Place,
    private readonly producers?: Producers
  ) {}

  with(contexts: Contexts, step?: string): Evaluation {
    return new Evaluation(
      this.engine,
      { ...this.scope, contexts: { ...this.scope.contexts, ...contexts } },
      { ...this.place, ...(step !== undefined && { step }) },
      this.producers
    )
  }

  private readonly miss = (expression: string) => (path: string) => {
    const match = /^steps\.([^.]+)\.outputs\.([^.[]+)$/i.exec(path)
    if (match === null || this.producers === undefined) return
    const [, id = '', name = ''] = match
    const step = Object.entries(this.producers.steps).find(
      ([key]) => key.toLowerCase() === id.toLowerCase()
    )?.[1]
    if (step?.outcome !== 'success') return
    const strict = this.engine.options.strict === true
    this.problem(
      strict ? 'error' : 'warning',
      expression,
      `steps.${id}.outputs.${name} was read, but step ${id} did not set it (GitHub gives an empty string).`
    )
  }

  problem(level: Problem['level'], expression: string, message: string): void {
    const key = `${this.place.job}|${this.place.step ?? ''}|${expression}|${message}`
    if (
      this.engine.problems.some(
        p => `${p.job}|${p.step ?? ''}|${p.expression}|${p.message}` === key
      )
    ) {
      return
    }
    report(this.engine, { level, message, ...this.place, expression })
  }

  value(expression: string): unknown {
    return this.guard(expression, () => evaluate(expression, this.scope, this.miss(expression)))
  }

  condition(expression: string): boolean {
    return this.guard(expression, () =>
      evaluateCondition(expression, this.scope, this.miss(expression))
    )
  }

  token(token: TemplateToken | undefined): unknown {
    try {
      return evaluateToken(token, this.scope, (path, expression) => this.miss(expression)(path))
    } catch (error) {
      if (error instanceof ExpressionProblem) {
        this.problem('error', error.expression, error.message)
        throw new RehearsalStepError(`Expression \${{ ${error.expression} }}: ${error.message}`)
      }
      throw error
    }
  }

  private guard<T>(expression: string, run: () => T): T {
    try {
      return run()
    } catch (error) {
      if (error instanceof ExpressionProblem) {
        this.problem('error', expression, error.message)
        throw new RehearsalStepError(`Expression \${{ ${expression} }}: ${error.message}`)
      }
      throw error
    }
  }
}

/** A failure of a step or job the rehearsal itself found (an expression error, a missing stand-in). */
export class RehearsalStepError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RehearsalStepError'
  }
}
