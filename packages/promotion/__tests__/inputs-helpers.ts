import { expect } from '@jest/globals'
import {
  ConfigurationError,
  InputReader,
  recordSource,
  type RunContext
} from '@fargate-promote/common'
import { repoRoot } from '../../../test/e2e/run-action.js'

/** The run context of a workflow run in acme/shop, as packages/runner reads it. */
export const CONTEXT: RunContext = {
  repository: 'acme/shop',
  sha: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f',
  actor: 'octocat',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  workspace: repoRoot,
  runUrl: 'https://github.com/acme/shop/actions/runs/7'
}

export function reader(values: Record<string, string>): InputReader {
  return new InputReader(recordSource(values))
}

/** The message of the ConfigurationError `read` rejects with. */
export async function refusal(read: () => Promise<unknown>): Promise<string> {
  try {
    await read()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigurationError')
}
