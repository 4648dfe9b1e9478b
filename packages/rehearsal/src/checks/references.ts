import { isBasicExpression, isMapping, isSequence, isString } from '@actions/workflow-parser'
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token'
import { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { parseExpression } from '../expressions/evaluate.js'
import type { Problem } from '../model.js'
import type { LoadedWorkflow } from '../workflow/load.js'
import { contextPaths } from './paths.js'
import { child } from '../workflow/tokens.js'

export interface ReferenceCheckOptions {
  workflow: LoadedWorkflow
  /** The outputs an action declares (its action.yml, or a stand-in's), undefined when unknown. */
  actionOutputs: (uses: string) => string[] | undefined
  vars: ReadonlySet<string>
  secrets: ReadonlySet<string>
  /** Level of a reference to an output nobody declares: warning, or error under --strict. */
  level: Problem['level']
}

interface ExpressionAt {
  expression: string
  token: TemplateToken
  step?: string
}

function expressionsIn(token: TemplateToken | undefined, step?: string): ExpressionAt[] {
  if (token === undefined) return []
  const found: ExpressionAt[] = []
  for (const [, item] of TemplateToken.traverse(token)) {
    if (isBasicExpression(item)) found.push({ expression: item.expression, token: item, step })
  }
  return found
}

/** Outputs each step of a job declares, by step id (lower-case); undefined = unknown (run steps). */
function stepOutputs(
  steps: TemplateToken | undefined,
  actionOutputs: ReferenceCheckOptions['actionOutputs']
): Map<string, string[] | undefined> {
  const outputs = new Map<string, string[] | undefined>()
  if (steps === undefined || !isSequence(steps)) return outputs
  for (const step of steps) {
    const id = child(step, 'id')
    if (id === undefined || !isString(id)) continue
    const uses = child(step, 'uses')
    const declared = uses !== undefined && isString(uses) ? actionOutputs(uses.value) : undefined
    outputs.set(
      id.value.toLowerCase(),
      declared?.map(name => name.toLowerCase())
    )
  }
  return outputs
}

function stepName(step: TemplateToken, index: number): string {
  const id = child(step, 'id') ?? child(step, 'name') ?? child(step, 'uses')
  return id !== undefined && isString(id) ? id.value : `#${index + 1}`
}

/** An `if:` written without `${{ }}` is an expression too (a plain string in the parsed tree). */
function bareCondition(owner: TemplateToken, step?: string): ExpressionAt[] {
  const condition = child(owner, 'if')
  if (condition === undefined || !isString(condition) || condition.value.trim() === '') return []
  return [{ expression: condition.value, token: condition, step }]
}

/** Every expression of a job with the step it is in. */
function jobExpressions(job: TemplateToken): ExpressionAt[] {
  const found: ExpressionAt[] = [...bareCondition(job)]
  const steps = child(job, 'steps')
  if (isMapping(job)) {
    for (const pair of job) {
      if (pair.key.toString() !== 'steps') found.push(...expressionsIn(pair.value))
    }
  }
  if (steps !== undefined && isSequence(steps)) {
    let index = 0
    for (const step of steps) {
      const name = stepName(step, index++)
      found.push(...bareCondition(step, name), ...expressionsIn(step, name))
    }
  }
  return found
}

function jobOutputs(workflow: LoadedWorkflow): Map<string, string[]> {
  return new Map(
    workflow.template.jobs.map(job => [
      job.id.value.toLowerCase(),
      [...(job.outputs ?? [])].map(pair => pair.key.toString().toLowerCase())
    ])
  )
}

/**
 * Before anything runs, as actionlint does: every `needs.<job>.outputs.<name>` against the outputs
 * that job declares, every `steps.<id>.outputs.<name>` of an action against its action.yml, and
 * every `vars.X` and `secrets.X` against what the rehearsal was given.
 */
export function checkReferences(options: ReferenceCheckOptions): Problem[] {
  const { workflow } = options
  const problems: Problem[] = []
  const outputsOfJobs = jobOutputs(workflow)
  const jobs = child(workflow.root, 'jobs') as MappingToken | undefined
  for (const pair of jobs ?? []) {
    const jobId = pair.key.toString()
    const model = workflow.template.jobs.find(j => j.id.value === jobId)
    const needs = new Set((model?.needs ?? []).map(n => n.value.toLowerCase()))
    const steps = stepOutputs(child(pair.value, 'steps'), options.actionOutputs)
    for (const at of jobExpressions(pair.value)) {
      const report = (level: Problem['level'], message: string) =>
        problems.push({
          level,
          message,
          file: workflow.file,
          ...(at.token.line !== undefined && { line: at.token.line, column: at.token.col }),
          job: jobId,
          ...(at.step !== undefined && { step: at.step }),
          expression: at.expression
        })
      let paths: string[][]
      try {
        paths = contextPaths(parseExpression(at.expression))
      } catch {
        continue // the parser reported it already
      }
      for (const [context = '', a, b, c] of paths) {
        checkPath(context.toLowerCase(), a, b?.toLowerCase(), c, {
          needs,
          outputsOfJobs,
          steps,
          options,
          report
        })
      }
    }
  }
  return problems
}

interface PathCheck {
  needs: Set<string>
  outputsOfJobs: Map<string, string[]>
  steps: Map<string, string[] | undefined>
  options: ReferenceCheckOptions
  report: (level: Problem['level'], message: string) => void
}

function checkPath(
  context: string,
  first: string | undefined,
  kind: string | undefined,
  name: string | undefined,
  check: PathCheck
): void {
  const { options, report } = check
  if (first === undefined) return
  // Variable and secret names are case-insensitive on GitHub; the sets hold them upper-cased.
  if (context === 'vars' && !options.vars.has(first.toUpperCase())) {
    report('error', `Variable ${first} is not set: give it with --var ${first}=VALUE.`)
  } else if (context === 'secrets' && !options.secrets.has(first.toUpperCase())) {
    report('error', `Secret ${first} is not set: give it with --secret ${first}=VALUE.`)
  } else if (context === 'needs' && kind === 'outputs' && name !== undefined) {
    const job = first.toLowerCase()
    if (!check.needs.has(job)) {
      report(options.level, `needs.${first} is read, but the job does not need ${first}.`)
    } else if (!check.outputsOfJobs.get(job)?.includes(name.toLowerCase())) {
      report(
        options.level,
        `needs.${first}.outputs.${name} is not an output job ${first} declares.`
      )
    }
  } else if (context === 'steps' && kind === 'outputs' && name !== undefined) {
    const step = first.toLowerCase()
    if (!check.steps.has(step)) {
      report(options.level, `steps.${first} is read, but no step of the job has id ${first}.`)
    } else {
      const declared = check.steps.get(step)
      if (declared !== undefined && !declared.includes(name.toLowerCase())) {
        report(
          options.level,
          `steps.${first}.outputs.${name} is not an output of the action step ${first} (its action.yml declares ${declared.join(', ') || 'none'}).`
        )
      }
    }
  }
}
