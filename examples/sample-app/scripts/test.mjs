// npm test: the unit tests (test/**/*.test.js) with Node's own test runner, then the line
// coverage of src/ checked against the threshold here, so the run fails below it. Node 20's
// --experimental-test-coverage reports coverage but has no threshold option (22.8 added
// --test-coverage-lines); this script reads the runner's lcov report instead, the same way on
// Node 20, 22 and 24.
//
// Threshold: 80% of the lines of src/, or higher with COVERAGE_THRESHOLD=90 or Jest's
// --coverageThreshold='{"global":{"lines":90}}' (what test-suite.yml passes to `npm test`); a
// lower value is refused: 80% is this service's floor. The lcov report goes to
// reports/coverage/lcov.info (or Jest's --coverageDirectory=DIR), which test-suite.yml uploads.
// Jest's --ci, --coverage and --reporters=… are accepted and need nothing more here.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const FLOOR = 80
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = join(ROOT, 'src')
const TESTS = join(ROOT, 'test')

function fail(message, code = 1) {
  console.error(`npm test: ${message}`)
  if (process.env.GITHUB_ACTIONS === 'true') console.log(`::error title=npm test::${message}`)
  process.exit(code)
}

/** A threshold in percent from text, or an error naming where it came from. */
function percent(text, from) {
  const value = Number(text)
  if (String(text).trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    fail(`${from} must be a percentage from 0 to 100, not '${text}'.`, 2)
  }
  if (value < FLOOR)
    fail(`${from} is ${value}%: this service's line coverage floor is ${FLOOR}%.`, 2)
  return value
}

/** The options: Jest's, as test-suite.yml passes them, and COVERAGE_THRESHOLD. */
export function parseOptions(args, env) {
  const options = { threshold: FLOOR, directory: join(ROOT, 'reports', 'coverage') }
  if (env.COVERAGE_THRESHOLD !== undefined && env.COVERAGE_THRESHOLD !== '') {
    options.threshold = percent(env.COVERAGE_THRESHOLD, 'COVERAGE_THRESHOLD')
  }
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split(/=(.*)/s)
    const value = () => inline ?? args[++i] ?? fail(`${name} needs a value.`, 2)
    if (name === '--coverageThreshold') {
      let lines
      try {
        lines = JSON.parse(value()).global?.lines
      } catch {
        fail(`--coverageThreshold must be JSON such as {"global":{"lines":80}}.`, 2)
      }
      if (lines !== undefined) options.threshold = percent(lines, '--coverageThreshold lines')
    } else if (name === '--coverageDirectory') {
      options.directory = resolve(ROOT, value())
    } else if (!['--ci', '--coverage', '--reporters'].includes(name)) {
      fail(`unknown option '${args[i]}' (test-suite.yml's Jest options are accepted).`, 2)
    }
  }
  return options
}

/** Files under `dir` whose names end with one of `suffixes`, sorted. */
function filesUnder(dir, suffixes) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && suffixes.some(suffix => entry.name.endsWith(suffix)))
    .map(entry => join(entry.parentPath ?? entry.path, entry.name))
    .sort()
}

/** Lines found and hit per file of src/, from an lcov report. */
function sourceCoverage(lcov) {
  const files = new Map()
  let file
  for (const line of lcov.split(/\r?\n/)) {
    if (line.startsWith('SF:')) {
      const path = resolve(ROOT, line.slice(3))
      file = path.startsWith(SOURCES + sep) ? { found: 0, hit: 0 } : undefined
      if (file) files.set(path, file)
    } else if (file && line.startsWith('LF:')) file.found = Number(line.slice(3))
    else if (file && line.startsWith('LH:')) file.hit = Number(line.slice(3))
  }
  return files
}

function runTests(testFiles, lcovPath) {
  const args = [
    '--test',
    '--experimental-test-coverage',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=lcov',
    `--test-reporter-destination=${lcovPath}`,
    ...testFiles
  ]
  return new Promise((done, failed) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' })
    child.on('error', failed)
    child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)))
  })
}

function pad(text, width) {
  return text + ' '.repeat(Math.max(0, width - text.length))
}

async function main() {
  const options = parseOptions(process.argv.slice(2), process.env)
  const testFiles = filesUnder(TESTS, ['.test.js', '.test.mjs'])
  if (testFiles.length === 0) fail('no test files (test/**/*.test.js) to run.')
  mkdirSync(options.directory, { recursive: true })
  const lcovPath = join(options.directory, 'lcov.info')
  rmSync(lcovPath, { force: true })

  const code = await runTests(testFiles, lcovPath)
  if (code !== 0) fail(`the tests failed (exit code ${code}).`, code)
  if (!existsSync(lcovPath)) fail(`the test runner wrote no coverage report (${lcovPath}).`)

  const covered = sourceCoverage(readFileSync(lcovPath, 'utf8'))
  // A source file no test loads is not in the report: count it, as entirely uncovered.
  for (const path of filesUnder(SOURCES, ['.js', '.mjs', '.cjs'])) {
    if (covered.has(path)) continue
    const found = readFileSync(path, 'utf8').replace(/\n$/, '').split('\n').length
    covered.set(path, { found, hit: 0, unloaded: true })
  }
  if (covered.size === 0) fail('src/ has no source file to measure.')

  let found = 0
  let hit = 0
  console.log(`\nLine coverage of src/ (threshold ${options.threshold}%):`)
  for (const [path, file] of [...covered].sort()) {
    found += file.found
    hit += file.hit
    const share = file.found === 0 ? 100 : (100 * file.hit) / file.found
    const note = file.unloaded ? '  (no test loads it)' : ''
    console.log(
      `  ${pad(relative(ROOT, path), 28)} ${pad(`${file.hit}/${file.found}`, 9)} ${share.toFixed(2)}%${note}`
    )
  }
  const total = found === 0 ? 100 : (100 * hit) / found
  console.log(`  ${pad('all files', 28)} ${pad(`${hit}/${found}`, 9)} ${total.toFixed(2)}%`)
  if (total < options.threshold) {
    fail(`line coverage ${total.toFixed(2)}% is below the threshold ${options.threshold}%.`)
  }
  console.log(`Line coverage ${total.toFixed(2)}% meets the threshold ${options.threshold}%.`)
}

await main()
