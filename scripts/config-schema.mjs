// Writes (or with --check, compares) the JSON Schema of .github/fargate-promote.yml that
// editors load through the file's `yaml-language-server: $schema=` line.
import { readFileSync, writeFileSync } from 'node:fs'
import { register } from 'tsx/esm/api'

register()
const { configJsonSchema } = await import('../packages/promotion/src/config/schema.ts')

const target = 'workflows-templates/fargate-promote.schema.json'
const schema = {
  $id: 'https://raw.githubusercontent.com/fargate-promote/fargate-promote/v1/workflows-templates/fargate-promote.schema.json',
  title: 'Fargate Promote configuration (.github/fargate-promote.yml)',
  ...configJsonSchema()
}
const text = `${JSON.stringify(schema, null, 2)}\n`
if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(target, 'utf8')
  } catch {
    // Missing: reported as out of date below.
  }
  if (current !== text) {
    console.error(`${target} is out of date: run npm run schema and commit it.`)
    process.exit(1)
  }
  console.log(`${target} is up to date.`)
} else {
  writeFileSync(target, text)
  console.log(`wrote ${target}`)
}
