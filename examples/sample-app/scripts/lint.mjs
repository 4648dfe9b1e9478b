// npm run lint: every JavaScript file of the service is checked by Node itself (`node --check`:
// syntax, in the module type package.json gives it), and every JSON file must parse. No
// dependencies, so `npm ci` has nothing to fetch; a team that wants style rules adds ESLint here.
// Prints `file:line: message` per problem (GitHub shows it in the log) and fails on any.
import { execFile } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SKIP = new Set(['node_modules', 'reports', 'coverage', '.git'])
const JS = ['.js', '.mjs', '.cjs']

/** Every file under `dir` (skipping SKIP folders), repository-relative, sorted. */
function walk(dir) {
  const files = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...walk(path))
    else if (entry.isFile()) files.push(path)
  }
  return files.sort()
}

/** `node --check file`: undefined when the syntax is fine, else the error's first lines. */
function checkSyntax(file) {
  return new Promise(resolve => {
    execFile(process.execPath, ['--check', file], { cwd: ROOT }, (error, _stdout, stderr) => {
      if (!error) return resolve(undefined)
      const lines = stderr.split('\n').filter(line => line.trim() !== '')
      const where = /:(\d+)$/.exec(lines[0] ?? '')
      const message = lines.find(line => /Error/.test(line)) ?? lines.join(' ')
      resolve(`${where ? where[1] : 1}: ${message.trim()}`)
    })
  })
}

function checkJson(file) {
  try {
    JSON.parse(readFileSync(file, 'utf8'))
    return undefined
  } catch (error) {
    return `1: ${error.message}`
  }
}

const files = walk(ROOT)
const problems = []
let checked = 0
for (const file of files) {
  let problem
  if (JS.some(suffix => file.endsWith(suffix))) problem = await checkSyntax(file)
  else if (file.endsWith('.json')) problem = checkJson(file)
  else continue
  checked++
  if (problem !== undefined) problems.push(`${relative(ROOT, file)}:${problem}`)
}

for (const problem of problems) console.error(problem)
if (problems.length > 0) {
  console.error(`lint: ${problems.length} of ${checked} files have problems.`)
  process.exitCode = 1
} else {
  console.log(`lint: ${checked} files checked, no problems.`)
}
