#!/usr/bin/env node
// Runs the TypeScript source directly: the simulator has no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/bin.ts')
