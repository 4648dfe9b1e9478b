/**
 * jest globalSetup: transforms (and instruments for coverage) every TypeScript file the suites
 * load, once, into jest's cache, before the workers start.
 *
 * Why: on a fresh clone the cache is empty, and the workers start their first suites together;
 * each then transpiles and instruments the same few hundred shared files itself (the AWS
 * clients' callers, the sim, the runner) before any has written them to the cache. Measured on
 * packages/{ecs,health,promotion}: a cold cache cost 13 CPU s more than a warm one with one
 * worker and 35 s with four; over the whole suite 619 instead of 451 CPU s. Done here, each file
 * is transformed once, with exactly the options a worker would use (the same cache key).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createScriptTransformer } from '@jest/transform'

/** What jest-runtime passes when it loads a file as an ES module (ESM_TRANSFORM_OPTIONS). */
const ESM_OPTIONS = {
  isInternalModule: false,
  supportsDynamicImport: true,
  supportsExportNamespaceFrom: true,
  supportsStaticESM: true,
  supportsTopLevelAwait: true
}

/**
 * Every TypeScript file git knows under the folders the suites load from, that is still there;
 * none when git cannot list them (warming is only worth it, never needed).
 */
function typeScriptFiles(rootDir) {
  let listed
  try {
    listed = execFileSync(
      'git',
      ['ls-files', '-z', '--', 'packages/*.ts', 'actions/*.ts', 'test/*.ts'],
      {
        cwd: rootDir,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore']
      }
    )
  } catch {
    return []
  }
  return listed
    .split('\0')
    .filter(path => path !== '' && !path.endsWith('.d.ts') && !path.includes('/dist/'))
    .map(path => `${rootDir}/${path}`)
    .filter(path => existsSync(path))
}

/** A run of some suites (paths, --onlyChanged, --changedSince, watch) loads too few to gain. */
function runsEverySuite(globalConfig) {
  return (
    (globalConfig.nonFlagArgs ?? []).length === 0 &&
    !globalConfig.onlyChanged &&
    !globalConfig.changedSince &&
    globalConfig.watch !== true &&
    globalConfig.watchAll !== true
  )
}

export default async function warmTransformCache(globalConfig, projectConfig) {
  // Only a run that reads and writes the cache gains; --no-cache would transform twice.
  if (!projectConfig.cache || !runsEverySuite(globalConfig)) return
  const transformer = await createScriptTransformer(projectConfig)
  const options = {
    ...ESM_OPTIONS,
    changedFiles: undefined,
    collectCoverage: globalConfig.collectCoverage,
    collectCoverageFrom: globalConfig.collectCoverageFrom,
    coverageProvider: globalConfig.coverageProvider,
    globalRootDir: globalConfig.rootDir,
    sourcesRelatedToTestsInChangedFiles: undefined
  }
  for (const file of typeScriptFiles(projectConfig.rootDir)) {
    try {
      await transformer.transformAsync(file, options)
    } catch {
      // A file that does not transpile fails the suite that loads it, with jest's own report.
    }
  }
}
