'use strict'
// Rehearsal stand-in for mikefarah's yq: `yq -o=json '.' FILE` (and `-o json`, `eval`).
const { readFileSync } = require('node:fs')
const { parse } = require('yaml')

const args = process.argv.slice(2).filter(a => a !== 'eval' && a !== 'e')
let output = 'yaml'
const rest = []
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  if (arg.startsWith('-o=') || arg.startsWith('--output-format=')) output = arg.split('=')[1]
  else if (arg === '-o' || arg === '--output-format') output = args[++i]
  else rest.push(arg)
}
const [expression, file] = rest
if (expression !== '.' || file === undefined || output !== 'json') {
  process.stderr.write("yq (rehearsal stand-in): only `yq -o=json '.' FILE` is available\n")
  process.exit(1)
}
try {
  process.stdout.write(`${JSON.stringify(parse(readFileSync(file, 'utf8')) ?? null, null, 2)}\n`)
} catch (error) {
  process.stderr.write(`Error: ${error.message}\n`)
  process.exit(1)
}
