#!/usr/bin/env node
// Runs the TypeScript source directly, as packages/sim's bin does: the CLI has no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
