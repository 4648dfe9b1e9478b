import { systemClock } from '@fargate-promote/common'
import {
  DEFAULT_CONFIG_PATH,
  parseRepository,
  readConfigFile,
  type LoadedConfig
} from '@fargate-promote/promotion'
import { createCliClients, type CliAwsClients } from '../aws.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { reportFailure } from '../failures.js'
import { githubClient } from '../github.js'
import type { CliIo } from '../io.js'
import { readBoard, type BoardDeps } from '../status/board.js'
import { boardJson, boardMarkdown, boardText } from '../status/view.js'
import { jsonLine, printable } from '../text.js'
import { createUi } from '../ui.js'
import { githubAccess, type UseCaseFlags } from './session.js'
import { cliRunContext } from '../run-context.js'

export interface StatusFlags extends UseCaseFlags {
  markdown?: boolean
}

/** One set of clients per region (an environment's region is in the config), closed at the end. */
function regionalClients(io: CliIo) {
  const made = new Map<string, Promise<{ clients: CliAwsClients; destroy(): void }>>()
  return {
    async clients(region: string) {
      let entry = made.get(region)
      if (entry === undefined) {
        entry = createCliClients(io.env, region)
        made.set(region, entry)
      }
      return (await entry).clients
    },
    async destroy() {
      for (const entry of made.values()) (await entry).destroy()
    }
  }
}

async function boardDeps(
  flags: StatusFlags,
  io: CliIo,
  clients: BoardDeps['clients'],
  warn: (line: string) => void
): Promise<BoardDeps> {
  const now = (io.clock ?? systemClock).now()
  const context = cliRunContext(io, flags.repo)
  const access = githubAccess(flags, io, context)
  const repo = parseRepository(context.repository)
  if (access.unavailable !== undefined || repo === undefined) {
    return { clients, now, githubUnavailable: access.unavailable }
  }
  return { clients, now, github: { client: await githubClient(io.env, warn), repo } }
}

/**
 * `fargate-promote status`: the promotion board. Reads only; exits 0 when it could be shown,
 * also when a part of it could not be read (that part says why).
 */
export async function statusCommand(flags: StatusFlags, io: CliIo): Promise<ExitCode> {
  const ui = createUi(flags, io)
  const regional = regionalClients(io)
  try {
    const loaded = (await readConfigFile({
      path: flags.config ?? DEFAULT_CONFIG_PATH,
      roots: { workspace: io.cwd },
      input: '--config'
    })) as LoadedConfig
    const clients = (region: string) => regional.clients(flags.region ?? region)
    const deps = await boardDeps(flags, io, clients, line => ui.note(printable(line)))
    const board = await ui.step(
      `Reading ${Object.keys(loaded.config.environments).length} environments`,
      () => readBoard(loaded, deps)
    )
    if (ui.json) ui.print(jsonLine(boardJson(board)))
    else ui.print(flags.markdown ? boardMarkdown(board) : boardText(board, ui.out))
    return EXIT.ok
  } catch (error) {
    return reportFailure(error, ui)
  } finally {
    await regional.destroy()
  }
}
