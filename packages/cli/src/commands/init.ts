import { resolve } from 'node:path'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { reportFailure } from '../failures.js'
import type { CliIo } from '../io.js'
import { answersFromFlags, type InitAnswers, type InitFlags } from '../init/answers.js'
import { configText } from '../init/config-text.js'
import { answersFromAccount } from '../init/from-account.js'
import { createPrompt } from '../init/prompt.js'
import {
  DEFAULT_TEMPLATES_DIR,
  existingFiles,
  schemaLine,
  templateFiles,
  writeFiles,
  type PlannedFile
} from '../init/templates.js'
import { jsonLine, printable } from '../text.js'
import { createUi, type Ui } from '../ui.js'

export interface InitOptions extends InitFlags {
  dir?: string
  templates?: string
  force?: boolean
  yes?: boolean
  json?: boolean
  color?: boolean
}

/** Files init would overwrite: a failure (exit 1), nothing written. */
class WouldOverwrite extends Error {
  constructor(paths: readonly string[]) {
    super(
      `These files exist, and nothing was written: ${paths.map(printable).join(', ')}. Run again with --force to overwrite them.`
    )
  }
}

/** Questions only for a person at a terminal who gave no clusters or services. */
function interactive(options: InitOptions, io: CliIo): boolean {
  const flagsGiven = (options.cluster ?? []).length > 0 || (options.service ?? []).length > 0
  return (
    !flagsGiven &&
    options.yes !== true &&
    options.json !== true &&
    io.stdin?.isTTY === true &&
    io.stderr.isTTY === true
  )
}

async function answersOf(options: InitOptions, io: CliIo, ui: Ui): Promise<InitAnswers> {
  if (!interactive(options, io) || io.stdin === undefined) return answersFromFlags(options, io.env)
  const prompt = createPrompt(io.stdin, io.stderr)
  try {
    return await answersFromAccount(options, io, prompt, ui)
  } finally {
    prompt.close()
  }
}

function report(ui: Ui, dir: string, written: string[]): void {
  if (ui.json) {
    ui.print(jsonLine({ ok: true, directory: dir, written }))
    return
  }
  for (const path of written) ui.print(`wrote ${printable(path)}`)
  ui.print(
    "Next: review .github/fargate-promote.yml (roles, containers, URLs, checks, reviewers), commit, then run 'fargate-promote environments apply'."
  )
}

/**
 * `init`: a config from flags (or from the account's clusters and services, on a terminal) and
 * the workflow templates, written only when none of the files exists (or with --force).
 */
export async function init(options: InitOptions, io: CliIo): Promise<ExitCode> {
  const ui = createUi(options, io)
  try {
    const dir = resolve(io.cwd, options.dir ?? '.')
    const templatesDir = resolve(io.cwd, options.templates ?? DEFAULT_TEMPLATES_DIR)
    const templates = templateFiles(templatesDir)
    const answers = await answersOf(options, io, ui)
    const config: PlannedFile = {
      path: '.github/fargate-promote.yml',
      text: await configText(answers, schemaLine(templatesDir))
    }
    const files = [config, ...templates]
    const existing = existingFiles(dir, files)
    if (existing.length > 0 && options.force !== true) throw new WouldOverwrite(existing)
    report(ui, dir, writeFiles(dir, files))
    return EXIT.ok
  } catch (error) {
    return reportFailure(error, ui)
  }
}
