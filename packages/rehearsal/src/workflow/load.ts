import { readFile } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import {
  NoOperationTraceWriter,
  convertWorkflowTemplate,
  isMapping,
  isString,
  parseWorkflow,
  type WorkflowTemplate
} from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import type { FileProvider } from '@actions/workflow-parser/workflows/file-provider'
import type { Problem } from '../model.js'

/** A workflow file parsed and converted by GitHub's own parser. */
export interface LoadedWorkflow {
  /** Repository-relative path. */
  file: string
  /** The converted model: jobs with `needs`, `if` (implicit `success()` added), steps. */
  template: WorkflowTemplate
  /** The parsed tree, for the keys the model drops (`with`, `defaults`, `on.*.inputs`). */
  root: TemplateToken
  title: string
}

export class WorkflowError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'WorkflowError'
  }
}

export function formatProblem(problem: Problem): string {
  const where = problem.file
    ? `${problem.file}${problem.line !== undefined ? `:${problem.line}` : ''}${problem.column !== undefined ? `:${problem.column}` : ''}: `
    : ''
  const scope = [problem.job && `job ${problem.job}`, problem.step && `step ${problem.step}`]
    .filter(Boolean)
    .join(', ')
  const expression = problem.expression !== undefined ? ` (\${{ ${problem.expression} }})` : ''
  return `${where}${problem.level}: ${scope ? `${scope}: ` : ''}${problem.message}${expression}`
}

/** A repository-relative path that stays inside the repository, or undefined. */
export function insideRepository(repoRoot: string, path: string): string | undefined {
  const full = resolve(repoRoot, path)
  const rel = relative(repoRoot, full)
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || rel.includes(`..${sep}`)) {
    return undefined
  }
  return rel.split(sep).join('/')
}

/**
 * Parses and converts a workflow. Any error from the parser or the converter stops the rehearsal
 * before anything runs: GitHub would refuse the file too. Reusable workflows called with
 * `uses: ./…` are read from the same repository (their own errors land in the same list).
 */
export async function loadWorkflow(repoRoot: string, file: string): Promise<LoadedWorkflow> {
  const rel = insideRepository(repoRoot, file)
  if (rel === undefined) {
    throw new WorkflowError([
      { level: 'error', file, message: 'The workflow file is outside the repository.' }
    ])
  }
  let content: string
  try {
    content = await readFile(join(repoRoot, rel), 'utf8')
  } catch (error) {
    throw new WorkflowError([
      { level: 'error', file: rel, message: `Cannot read the workflow file: ${String(error)}` }
    ])
  }
  const provider: FileProvider = {
    async getFileContent(ref) {
      if ('repository' in ref) {
        throw new Error(
          `a reusable workflow of another repository (${ref.owner}/${ref.repository})`
        )
      }
      const path = insideRepository(repoRoot, ref.path)
      if (path === undefined) throw new Error(`${ref.path} is outside the repository`)
      return { name: path, content: await readFile(join(repoRoot, path), 'utf8') }
    }
  }
  const parsed = parseWorkflow({ name: rel, content }, new NoOperationTraceWriter())
  const template =
    parsed.value === undefined
      ? undefined
      : await convertWorkflowTemplate(parsed.context, parsed.value, provider, {
          fetchReusableWorkflowDepth: 1
        })
  const problems: Problem[] = parsed.context.errors.getErrors().map(error => ({
    level: 'error',
    file: rel,
    message: error.rawMessage,
    ...(error.range !== undefined && {
      line: error.range.start.line,
      column: error.range.start.column
    })
  }))
  if (problems.length > 0 || template === undefined || parsed.value === undefined) {
    throw new WorkflowError(
      problems.length > 0 ? problems : [{ level: 'error', file: rel, message: 'Empty workflow.' }]
    )
  }
  const name = isMapping(parsed.value) ? parsed.value.find('name') : undefined
  return {
    file: rel,
    template,
    root: parsed.value,
    title: name !== undefined && isString(name) ? name.value : rel
  }
}
