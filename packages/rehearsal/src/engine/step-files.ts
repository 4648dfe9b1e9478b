import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseFileCommands } from './commands.js'

export interface StepFiles {
  env: Record<string, string>
  read(): Promise<{
    outputs: Record<string, string>
    exported: Record<string, string>
    path: string[]
    state: Record<string, string>
    summary: string
  }>
}

/** Fresh GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STATE and GITHUB_STEP_SUMMARY files. */
export async function stepFiles(dir: string, name: string): Promise<StepFiles> {
  const base = join(dir, '_runner_file_commands', name)
  await mkdir(base, { recursive: true })
  const files = {
    GITHUB_OUTPUT: join(base, 'output'),
    GITHUB_ENV: join(base, 'env'),
    GITHUB_PATH: join(base, 'path'),
    GITHUB_STATE: join(base, 'state'),
    GITHUB_STEP_SUMMARY: join(base, 'summary')
  }
  for (const file of Object.values(files)) await writeFile(file, '')
  return {
    env: files,
    async read() {
      const text = (file: string) => readFile(file, 'utf8')
      return {
        outputs: parseFileCommands(await text(files.GITHUB_OUTPUT)),
        exported: parseFileCommands(await text(files.GITHUB_ENV)),
        path: (await text(files.GITHUB_PATH)).split('\n').filter(line => line.trim() !== ''),
        state: parseFileCommands(await text(files.GITHUB_STATE)),
        summary: await text(files.GITHUB_STEP_SUMMARY)
      }
    }
  }
}
