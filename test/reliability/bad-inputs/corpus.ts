/**
 * The bad-input corpus (issue 18, item 2): inputs of the four actions, the config file they and
 * the CLI read, and the CLI's options, each of which must be refused naming the input, with
 * nothing changed in AWS or GitHub and no output, annotation or workflow command it could forge.
 *
 * One entry a line. Values may hold `{outside}` (a directory beside the workspace, absolute),
 * `{outside-rel}` (the same, relative to the workspace) and `{listener}` (the sim's load
 * balancer). An action entry's inputs go over the target's valid base inputs (null removes
 * one); an entry with `config` gets that text as its config file (`configs/<id>.yml`, given as
 * the `config` input or `--config`). `names` must all appear in the error; `{config}` there is
 * the entry's config file. `smuggled` is the forged line: no stdout line may start with it.
 */

export type ActionName = 'deploy-fargate' | 'health-verify' | 'staging-gate' | 'rollback'
export type Target = ActionName | 'cli'
export type Kind =
  | 'empty'
  | 'wrong-type'
  | 'out-of-range'
  | 'injection'
  | 'huge'
  | 'unicode'
  | 'outside-path'
  | 'symlink'

export interface Entry {
  id: string
  target: Target
  kind: Kind
  /** Action entries: inputs over the target's base (null: not given). */
  inputs?: Record<string, string | null>
  /** CLI entries: the arguments. */
  argv?: string[]
  /** A config file's text (written to configs/<id>.yml and passed as config / --config). */
  config?: string
  /** What the error must name: the input (`Input 'x'`, `--x`), or the file and field. */
  names: string[]
  /** CLI entries: the documented exit code (2 usage, 3 invalid config). */
  code?: 2 | 3
  /** The forged line (a workflow command, an output) that must not start any line of output. */
  smuggled?: string
  /** A defect of the product this entry shows (the test is marked failing until it is fixed). */
  defect?: string
}

/** Stays under Linux's limit on one environment string (128 KiB), which INPUT_* values are. */
export const HUGE_INPUT = 100_000
/** The CLI runs in-process: its options can be as large as a file. */
export const HUGE_OPTION = 1024 * 1024

const huge = (size: number, unit = 'a') => unit.repeat(size)
const NL_STATUS = '\nstatus=succeeded'
const NL_ERROR = '\n::error::pwned'
const SET_OUTPUT = '::set-output name=status::succeeded'
const RLO = '\u202e'
const ZWSP = '\u200b'
const IMAGE = 'registry.example.com/shop/web:1.1.0'

/** Reads the environment from the entry's config file instead of cluster/service inputs. */
const FROM_CONFIG = { cluster: null, service: null, environment: 'staging' }

/** The config of test/reliability/bad-inputs/workspace.ts, with one line replaced. */
function configWith(line: string): string {
  return `version: 1
application: shop
environments:
  staging:
    region: eu-west-1
    cluster: staging
    services:
      - name: web
        containers: [web]
${line}
`
}

const input = (name: string) => `Input '${name}'`

// prettier-ignore
export const CORPUS: readonly Entry[] = [
  // deploy-fargate
  { id: 'df-empty-cluster', target: 'deploy-fargate', kind: 'empty', inputs: { cluster: '' }, names: [input('cluster')] },
  { id: 'df-empty-service', target: 'deploy-fargate', kind: 'empty', inputs: { service: '' }, names: [input('service')] },
  { id: 'df-empty-images', target: 'deploy-fargate', kind: 'empty', inputs: { images: 'web=' }, names: [input('images')] },
  { id: 'df-empty-container', target: 'deploy-fargate', kind: 'empty', inputs: { images: null, image: IMAGE, container: '' }, names: ["'container'"] },
  { id: 'df-wrong-wait', target: 'deploy-fargate', kind: 'wrong-type', inputs: { wait: 'yes' }, names: [input('wait')] },
  { id: 'df-wrong-timeout', target: 'deploy-fargate', kind: 'wrong-type', inputs: { timeout: 'soon' }, names: [input('timeout')] },
  { id: 'df-wrong-desired-count', target: 'deploy-fargate', kind: 'wrong-type', inputs: { 'desired-count': 'lots' }, names: [input('desired-count')] },
  { id: 'df-wrong-force-new-deployment', target: 'deploy-fargate', kind: 'wrong-type', inputs: { 'force-new-deployment': 'maybe' }, names: [input('force-new-deployment')] },
  { id: 'df-wrong-on-failure', target: 'deploy-fargate', kind: 'wrong-type', inputs: { 'on-failure': 'explode' }, names: [input('on-failure')] },
  { id: 'df-wrong-wait-for-target-health', target: 'deploy-fargate', kind: 'wrong-type', inputs: { 'wait-for-target-health': 'sometimes' }, names: [input('wait-for-target-health')] },
  { id: 'df-wrong-strategy', target: 'deploy-fargate', kind: 'wrong-type', inputs: { strategy: 'zigzag' }, names: [input('strategy')] },
  { id: 'df-wrong-circuit-breaker', target: 'deploy-fargate', kind: 'wrong-type', inputs: { 'circuit-breaker': '1' }, names: [input('circuit-breaker')] },
  { id: 'df-wrong-task-definition-arn', target: 'deploy-fargate', kind: 'wrong-type', inputs: { images: null, 'task-definition-arn': 'web:latest!' }, names: [input('task-definition-arn')] },
  { id: 'df-wrong-task-definition-content', target: 'deploy-fargate', kind: 'wrong-type', inputs: { images: null, 'task-definition': 'checks.yml' }, names: [input('task-definition')] },
  { id: 'df-range-desired-count-negative', target: 'deploy-fargate', kind: 'out-of-range', inputs: { 'desired-count': '-1' }, names: [input('desired-count')] },
  { id: 'df-range-desired-count-large', target: 'deploy-fargate', kind: 'out-of-range', inputs: { 'desired-count': '5001' }, names: [input('desired-count')] },
  { id: 'df-range-timeout-zero', target: 'deploy-fargate', kind: 'out-of-range', inputs: { timeout: '0s' }, names: [input('timeout')] },
  { id: 'df-range-poll-interval', target: 'deploy-fargate', kind: 'out-of-range', inputs: { 'poll-interval': '1ms' }, names: [input('poll-interval')] },
  { id: 'df-range-keep-revisions', target: 'deploy-fargate', kind: 'out-of-range', inputs: { 'keep-revisions': '-3' }, names: [input('keep-revisions')] },
  { id: 'df-range-services-eleven', target: 'deploy-fargate', kind: 'out-of-range', inputs: { service: null, services: Array.from({ length: 11 }, (_, i) => `web${i}`).join('\n') }, names: [input('services')] },
  { id: 'df-inj-cluster-subshell', target: 'deploy-fargate', kind: 'injection', inputs: { cluster: '$(id)' }, names: [input('cluster')] },
  { id: 'df-inj-service-output', target: 'deploy-fargate', kind: 'injection', inputs: { service: `web${NL_STATUS}` }, names: [input('service')], smuggled: 'status=succeeded' },
  { id: 'df-inj-images-error-command', target: 'deploy-fargate', kind: 'injection', inputs: { images: `web=${IMAGE}${NL_ERROR}` }, names: [input('images')], smuggled: '::error::pwned' },
  { id: 'df-inj-image-set-output', target: 'deploy-fargate', kind: 'injection', inputs: { images: null, image: SET_OUTPUT, container: 'web' }, names: [input('image')], smuggled: '::set-output' },
  { id: 'df-inj-container-add-mask', target: 'deploy-fargate', kind: 'injection', inputs: { images: null, image: IMAGE, container: '::add-mask::web' }, names: [input('container')], smuggled: '::add-mask::web' },
  { id: 'df-inj-version-output', target: 'deploy-fargate', kind: 'injection', inputs: { version: `1.1.0${NL_STATUS}` }, names: [input('version')], smuggled: 'status=succeeded' },
  { id: 'df-inj-tags-error-command', target: 'deploy-fargate', kind: 'injection', inputs: { tags: `team=shop${NL_ERROR}` }, names: [input('tags')], smuggled: '::error::pwned' },
  { id: 'df-inj-environment-variables-warning', target: 'deploy-fargate', kind: 'injection', inputs: { 'environment-variables': 'web.A=1\n::warning::pwned' }, names: [input('environment-variables')], smuggled: '::warning::pwned' },
  { id: 'df-huge-service', target: 'deploy-fargate', kind: 'huge', inputs: { service: huge(HUGE_INPUT) }, names: [input('service')] },
  { id: 'df-huge-images', target: 'deploy-fargate', kind: 'huge', inputs: { images: `web=${huge(HUGE_INPUT)}` }, names: [input('images')] },
  { id: 'df-huge-task-definition-file', target: 'deploy-fargate', kind: 'huge', inputs: { images: null, 'task-definition': 'huge-td.json' }, names: [input('task-definition')] },
  { id: 'df-unicode-cluster-bidi', target: 'deploy-fargate', kind: 'unicode', inputs: { cluster: `stag${RLO}ing` }, names: [input('cluster')] },
  { id: 'df-unicode-service-zero-width', target: 'deploy-fargate', kind: 'unicode', inputs: { service: `w${ZWSP}eb` }, names: [input('service')] },
  { id: 'df-unicode-images-bidi', target: 'deploy-fargate', kind: 'unicode', inputs: { images: `web=${IMAGE}${RLO}` }, names: [input('images')] },
  { id: 'df-path-task-definition-dotdot', target: 'deploy-fargate', kind: 'outside-path', inputs: { images: null, 'task-definition': '../../etc/passwd' }, names: [input('task-definition')] },
  { id: 'df-path-task-definition-absolute', target: 'deploy-fargate', kind: 'outside-path', inputs: { images: null, 'task-definition': '/etc/passwd' }, names: [input('task-definition')] },
  { id: 'df-path-task-definition-beside', target: 'deploy-fargate', kind: 'outside-path', inputs: { images: null, 'task-definition': '{outside-rel}/td.json' }, names: [input('task-definition')] },
  { id: 'df-symlink-task-definition', target: 'deploy-fargate', kind: 'symlink', inputs: { images: null, 'task-definition': 'link-td.json' }, names: [input('task-definition')] },
  { id: 'df-symlink-task-definition-directory', target: 'deploy-fargate', kind: 'symlink', inputs: { images: null, 'task-definition': 'linkdir/td.json' }, names: [input('task-definition')] },
  { id: 'df-path-config-dotdot', target: 'deploy-fargate', kind: 'outside-path', inputs: { ...FROM_CONFIG, config: '../../etc/passwd' }, names: [input('config')] },
  { id: 'df-path-config-absolute', target: 'deploy-fargate', kind: 'outside-path', inputs: { ...FROM_CONFIG, config: '{outside}/config.yml' }, names: [input('config')] },
  { id: 'df-symlink-config', target: 'deploy-fargate', kind: 'symlink', inputs: { ...FROM_CONFIG, config: 'link-config.yml' }, names: [input('config')] },

  // health-verify
  { id: 'hv-empty-url', target: 'health-verify', kind: 'empty', inputs: { url: '', 'expect-status': '200' }, names: ["'url'"] },
  { id: 'hv-empty-checks-list', target: 'health-verify', kind: 'empty', inputs: { url: null, checks: '[]' }, names: [input('checks')] },
  { id: 'hv-wrong-url', target: 'health-verify', kind: 'wrong-type', inputs: { url: 'not a url' }, names: [input('url')] },
  { id: 'hv-wrong-url-scheme', target: 'health-verify', kind: 'wrong-type', inputs: { url: 'ftp://example.com/' }, names: [input('url')] },
  { id: 'hv-wrong-expect-status', target: 'health-verify', kind: 'wrong-type', inputs: { 'expect-status': 'abc' }, names: [input('expect-status')] },
  { id: 'hv-wrong-mode', target: 'health-verify', kind: 'wrong-type', inputs: { mode: 'fast' }, names: [input('mode')] },
  { id: 'hv-wrong-timeout', target: 'health-verify', kind: 'wrong-type', inputs: { timeout: 'forever' }, names: [input('timeout')] },
  { id: 'hv-wrong-consecutive-successes', target: 'health-verify', kind: 'wrong-type', inputs: { 'consecutive-successes': 'three' }, names: [input('consecutive-successes')] },
  { id: 'hv-wrong-concurrency', target: 'health-verify', kind: 'wrong-type', inputs: { concurrency: 'many' }, names: [input('concurrency')] },
  { id: 'hv-wrong-p95-latency', target: 'health-verify', kind: 'wrong-type', inputs: { 'p95-latency': 'fast' }, names: [input('p95-latency')] },
  { id: 'hv-wrong-fail-on-unhealthy', target: 'health-verify', kind: 'wrong-type', inputs: { 'fail-on-unhealthy': 'maybe' }, names: [input('fail-on-unhealthy')] },
  { id: 'hv-wrong-checks-yaml', target: 'health-verify', kind: 'wrong-type', inputs: { url: null, checks: 'name: web\nhttp: [' }, names: [input('checks')] },
  { id: 'hv-range-expect-status', target: 'health-verify', kind: 'out-of-range', inputs: { 'expect-status': '999' }, names: [input('expect-status')] },
  { id: 'hv-range-interval', target: 'health-verify', kind: 'out-of-range', inputs: { interval: '1ms' }, names: [input('interval')] },
  { id: 'hv-range-consecutive-successes-zero', target: 'health-verify', kind: 'out-of-range', inputs: { 'consecutive-successes': '0' }, names: [input('consecutive-successes')] },
  { id: 'hv-range-consecutive-successes-large', target: 'health-verify', kind: 'out-of-range', inputs: { 'consecutive-successes': '101' }, names: [input('consecutive-successes')] },
  { id: 'hv-range-failure-limit', target: 'health-verify', kind: 'out-of-range', inputs: { 'failure-limit': '-1' }, names: [input('failure-limit')] },
  { id: 'hv-range-requests', target: 'health-verify', kind: 'out-of-range', inputs: { requests: '0' }, names: [input('requests')] },
  { id: 'hv-range-max-error-rate', target: 'health-verify', kind: 'out-of-range', inputs: { 'max-error-rate': '2' }, names: [input('max-error-rate')] },
  { id: 'hv-inj-url-error-command', target: 'health-verify', kind: 'injection', inputs: { url: `{listener}/${NL_ERROR}` }, names: [input('url')], smuggled: '::error::pwned' },
  { id: 'hv-inj-url-subshell', target: 'health-verify', kind: 'injection', inputs: { url: '$(id)' }, names: [input('url')] },
  { id: 'hv-inj-expect-status-output', target: 'health-verify', kind: 'injection', inputs: { 'expect-status': `200${NL_STATUS}` }, names: [input('expect-status')], smuggled: 'status=succeeded' },
  { id: 'hv-inj-checks-url-set-output', target: 'health-verify', kind: 'injection', inputs: { url: null, checks: `- name: web\n  http: { url: "{listener}/\\n${SET_OUTPUT}" }` }, names: [input('checks')], smuggled: '::set-output' },
  { id: 'hv-inj-mode-add-mask', target: 'health-verify', kind: 'injection', inputs: { mode: '::add-mask::verify' }, names: [input('mode')], smuggled: '::add-mask::verify' },
  { id: 'hv-huge-expect-status', target: 'health-verify', kind: 'huge', inputs: { 'expect-status': huge(HUGE_INPUT, '2') }, names: [input('expect-status')] },
  { id: 'hv-huge-checks-file', target: 'health-verify', kind: 'huge', inputs: { url: null, checks: 'huge-checks.yml' }, names: [input('checks')] },
  { id: 'hv-unicode-url-bidi', target: 'health-verify', kind: 'unicode', inputs: { url: `http://127.0.0.1${RLO}:1/` }, names: [input('url')] },
  { id: 'hv-unicode-mode-zero-width', target: 'health-verify', kind: 'unicode', inputs: { mode: `veri${ZWSP}fy` }, names: [input('mode')] },
  { id: 'hv-path-checks-dotdot', target: 'health-verify', kind: 'outside-path', inputs: { url: null, checks: '../../etc/passwd' }, names: [input('checks')] },
  { id: 'hv-path-checks-absolute', target: 'health-verify', kind: 'outside-path', inputs: { url: null, checks: '{outside}/checks.yml' }, names: [input('checks')] },
  { id: 'hv-symlink-checks', target: 'health-verify', kind: 'symlink', inputs: { url: null, checks: 'link-checks.yml' }, names: [input('checks')] },
  { id: 'hv-symlink-checks-directory', target: 'health-verify', kind: 'symlink', inputs: { url: null, checks: 'linkdir/checks.yml' }, names: [input('checks')] },
  { id: 'hv-path-config-absolute', target: 'health-verify', kind: 'outside-path', inputs: { url: null, environment: 'staging', config: '{outside}/config.yml' }, names: [input('config')] },
  { id: 'hv-symlink-config', target: 'health-verify', kind: 'symlink', inputs: { url: null, environment: 'staging', config: 'link-config.yml' }, names: [input('config')] },

  // staging-gate
  { id: 'sg-empty-emergency-reason', target: 'staging-gate', kind: 'empty', inputs: { emergency: 'true', 'emergency-reason': '' }, names: [input('emergency-reason')] },
  { id: 'sg-empty-environment', target: 'staging-gate', kind: 'empty', inputs: { cluster: null, service: null, environment: '' }, names: [input('cluster')] },
  { id: 'sg-wrong-sha', target: 'staging-gate', kind: 'wrong-type', inputs: { sha: 'xyz' }, names: [input('sha')] },
  { id: 'sg-wrong-min-soak', target: 'staging-gate', kind: 'wrong-type', inputs: { 'min-soak': 'long' }, names: [input('min-soak')] },
  { id: 'sg-wrong-checks-timeout', target: 'staging-gate', kind: 'wrong-type', inputs: { 'checks-timeout': 'soon' }, names: [input('checks-timeout')] },
  { id: 'sg-wrong-emergency', target: 'staging-gate', kind: 'wrong-type', inputs: { emergency: 'maybe' }, names: [input('emergency')] },
  { id: 'sg-wrong-require-github-deployment', target: 'staging-gate', kind: 'wrong-type', inputs: { 'require-github-deployment': 'perhaps' }, names: [input('require-github-deployment')] },
  { id: 'sg-wrong-image', target: 'staging-gate', kind: 'wrong-type', inputs: { image: 'Repo//Bad' }, names: [input('image')] },
  { id: 'sg-range-sha-short', target: 'staging-gate', kind: 'out-of-range', inputs: { sha: 'abc12' }, names: [input('sha')] },
  { id: 'sg-range-min-soak-negative', target: 'staging-gate', kind: 'out-of-range', inputs: { 'min-soak': '-5m' }, names: [input('min-soak')] },
  { id: 'sg-inj-version-output', target: 'staging-gate', kind: 'injection', inputs: { version: `1.0.0${NL_STATUS}` }, names: [input('version')], smuggled: 'status=succeeded' },
  { id: 'sg-inj-protected-branch-error', target: 'staging-gate', kind: 'injection', inputs: { 'protected-branch': `main${NL_ERROR}` }, names: [input('protected-branch')], smuggled: '::error::pwned' },
  { id: 'sg-inj-emergency-actors-set-output', target: 'staging-gate', kind: 'injection', inputs: { emergency: 'true', 'emergency-reason': 'outage', 'emergency-actors': `octocat\n::set-output name=approved::true` }, names: [input('emergency-actors')], smuggled: '::set-output' },
  { id: 'sg-inj-sha-subshell', target: 'staging-gate', kind: 'injection', inputs: { sha: '$(id)' }, names: [input('sha')] },
  { id: 'sg-huge-version', target: 'staging-gate', kind: 'huge', inputs: { version: huge(HUGE_INPUT, 'v') }, names: [input('version')] },
  { id: 'sg-huge-checks-file', target: 'staging-gate', kind: 'huge', inputs: { checks: 'huge-checks.yml' }, names: [input('checks')] },
  { id: 'sg-unicode-sha-zero-width', target: 'staging-gate', kind: 'unicode', inputs: { sha: `5f3c9a1${ZWSP}` }, names: [input('sha')] },
  { id: 'sg-unicode-service-bidi', target: 'staging-gate', kind: 'unicode', inputs: { service: `web${RLO}` }, names: [input('service')] },
  { id: 'sg-path-checks-dotdot', target: 'staging-gate', kind: 'outside-path', inputs: { checks: '../../etc/passwd' }, names: [input('checks')] },
  { id: 'sg-path-checks-absolute', target: 'staging-gate', kind: 'outside-path', inputs: { checks: '{outside}/checks.yml' }, names: [input('checks')] },
  { id: 'sg-symlink-checks', target: 'staging-gate', kind: 'symlink', inputs: { checks: 'link-checks.yml' }, names: [input('checks')] },
  { id: 'sg-path-config-beside', target: 'staging-gate', kind: 'outside-path', inputs: { config: '{outside-rel}/config.yml' }, names: [input('config')] },
  { id: 'sg-symlink-config-directory', target: 'staging-gate', kind: 'symlink', inputs: { config: 'linkdir/config.yml' }, names: [input('config')] },

  // rollback
  { id: 'rb-empty-cluster', target: 'rollback', kind: 'empty', inputs: { cluster: '' }, names: [input('cluster')] },
  { id: 'rb-empty-service', target: 'rollback', kind: 'empty', inputs: { service: '' }, names: [input('service')] },
  { id: 'rb-wrong-to', target: 'rollback', kind: 'wrong-type', inputs: { to: 'yesterday' }, names: [input('to')] },
  { id: 'rb-wrong-wait', target: 'rollback', kind: 'wrong-type', inputs: { wait: 'nah' }, names: [input('wait')] },
  { id: 'rb-wrong-timeout', target: 'rollback', kind: 'wrong-type', inputs: { timeout: 'x' }, names: [input('timeout')] },
  { id: 'rb-wrong-stop-in-progress', target: 'rollback', kind: 'wrong-type', inputs: { 'stop-in-progress': 'maybe' }, names: [input('stop-in-progress')] },
  { id: 'rb-wrong-checks-interval', target: 'rollback', kind: 'wrong-type', inputs: { 'checks-interval': 'often' }, names: [input('checks-interval')] },
  { id: 'rb-range-to-zero', target: 'rollback', kind: 'out-of-range', inputs: { to: '0' }, names: [input('to')] },
  { id: 'rb-range-to-negative', target: 'rollback', kind: 'out-of-range', inputs: { to: '-1' }, names: [input('to')] },
  { id: 'rb-range-poll-interval', target: 'rollback', kind: 'out-of-range', inputs: { 'poll-interval': '0s' }, names: [input('poll-interval')] },
  { id: 'rb-inj-to-output', target: 'rollback', kind: 'injection', inputs: { to: `previous${NL_STATUS}` }, names: [input('to')], smuggled: 'status=succeeded' },
  { id: 'rb-inj-service-error-command', target: 'rollback', kind: 'injection', inputs: { service: `web${NL_ERROR}` }, names: [input('service')], smuggled: '::error::pwned' },
  { id: 'rb-inj-cluster-subshell', target: 'rollback', kind: 'injection', inputs: { cluster: '$(id)' }, names: [input('cluster')] },
  { id: 'rb-inj-checks-url-error-command', target: 'rollback', kind: 'injection', inputs: { checks: '- name: web\n  http: { url: "http://127.0.0.1:1/\\n::error::pwned" }' }, names: [input('checks')], smuggled: '::error::pwned' },
  { id: 'rb-huge-cluster', target: 'rollback', kind: 'huge', inputs: { cluster: huge(HUGE_INPUT, 'c') }, names: [input('cluster')] },
  { id: 'rb-unicode-to-bidi', target: 'rollback', kind: 'unicode', inputs: { to: `previous${RLO}` }, names: [input('to')] },
  { id: 'rb-unicode-cluster-zero-width', target: 'rollback', kind: 'unicode', inputs: { cluster: `staging${ZWSP}` }, names: [input('cluster')] },
  { id: 'rb-path-checks-dotdot', target: 'rollback', kind: 'outside-path', inputs: { checks: '../../etc/passwd' }, names: [input('checks')] },
  { id: 'rb-path-checks-absolute', target: 'rollback', kind: 'outside-path', inputs: { checks: '{outside}/checks.yml' }, names: [input('checks')] },
  { id: 'rb-symlink-checks', target: 'rollback', kind: 'symlink', inputs: { checks: 'link-checks.yml' }, names: [input('checks')] },
  { id: 'rb-path-config-dotdot', target: 'rollback', kind: 'outside-path', inputs: { ...FROM_CONFIG, config: '../../etc/passwd' }, names: [input('config')] },
  { id: 'rb-symlink-config', target: 'rollback', kind: 'symlink', inputs: { ...FROM_CONFIG, config: 'link-config.yml' }, names: [input('config')] },

  // the config file, through the actions' config/environment inputs
  { id: 'cfg-empty-file', target: 'deploy-fargate', kind: 'empty', inputs: FROM_CONFIG, config: '', names: ['{config}'] },
  { id: 'cfg-empty-cluster', target: 'deploy-fargate', kind: 'empty', inputs: FROM_CONFIG, config: configWith('    desired-count: 1').replace('cluster: staging', "cluster: ''"), names: ['{config}', 'cluster'] },
  { id: 'cfg-wrong-not-yaml', target: 'deploy-fargate', kind: 'wrong-type', inputs: FROM_CONFIG, config: 'version: [1\n', names: ['{config}'] },
  { id: 'cfg-wrong-version', target: 'deploy-fargate', kind: 'wrong-type', inputs: FROM_CONFIG, config: configWith('').replace('version: 1', 'version: two'), names: ['{config}', 'version'] },
  { id: 'cfg-wrong-cluster-list', target: 'deploy-fargate', kind: 'wrong-type', inputs: FROM_CONFIG, config: configWith('').replace('cluster: staging', 'cluster: [a, b]'), names: ['{config}', 'cluster'] },
  { id: 'cfg-wrong-services-string', target: 'deploy-fargate', kind: 'wrong-type', inputs: FROM_CONFIG, config: configWith('').replace(/services:[^]*$/, 'services: web\n'), names: ['{config}', 'services'] },
  { id: 'cfg-wrong-soak', target: 'staging-gate', kind: 'wrong-type', inputs: { cluster: null, service: null }, config: configWith('    soak: forever'), names: ['{config}', 'soak'] },
  { id: 'cfg-wrong-unknown-key', target: 'deploy-fargate', kind: 'wrong-type', inputs: FROM_CONFIG, config: configWith('    clutser: staging'), names: ['{config}', 'clutser'] },
  { id: 'cfg-range-desired-count', target: 'deploy-fargate', kind: 'out-of-range', inputs: FROM_CONFIG, config: configWith('    desired-count: 99999'), names: ['{config}', 'desired-count'] },
  { id: 'cfg-range-region', target: 'rollback', kind: 'out-of-range', inputs: FROM_CONFIG, config: configWith('').replace('region: eu-west-1', 'region: mars-1'), names: ['{config}', 'region'] },
  { id: 'cfg-inj-cluster-subshell', target: 'deploy-fargate', kind: 'injection', inputs: FROM_CONFIG, config: configWith('').replace('cluster: staging', 'cluster: "$(id)"'), names: ['{config}', 'cluster'] },
  { id: 'cfg-inj-cluster-error-command', target: 'deploy-fargate', kind: 'injection', inputs: FROM_CONFIG, config: configWith('').replace('cluster: staging', 'cluster: "staging\\n::error::pwned"'), names: ['{config}', 'cluster'], smuggled: '::error::pwned' },
  { id: 'cfg-inj-url-set-output', target: 'health-verify', kind: 'injection', inputs: { url: null, environment: 'staging' }, config: configWith(`    url: "{listener}/\\n${SET_OUTPUT}"`), names: ['{config}', 'url'], smuggled: '::set-output' },
  { id: 'cfg-inj-service-output', target: 'rollback', kind: 'injection', inputs: FROM_CONFIG, config: configWith('').replace('- name: web', '- name: "web\\nstatus=succeeded"'), names: ['{config}', 'name'], smuggled: 'status=succeeded' },
  { id: 'cfg-huge-file', target: 'deploy-fargate', kind: 'huge', inputs: { ...FROM_CONFIG, config: 'huge-config.yml' }, names: ['huge-config.yml'] },
  { id: 'cfg-unicode-service-bidi', target: 'deploy-fargate', kind: 'unicode', inputs: FROM_CONFIG, config: configWith('').replace('- name: web', `- name: "web${RLO}"`), names: ['{config}', 'name'] },
  { id: 'cfg-unicode-container-zero-width', target: 'deploy-fargate', kind: 'unicode', inputs: FROM_CONFIG, config: configWith('').replace('containers: [web]', `containers: ["w${ZWSP}eb"]`), names: ['{config}', 'containers'] },
  { id: 'cfg-path-checks-dotdot', target: 'health-verify', kind: 'outside-path', inputs: { url: null, environment: 'staging' }, config: configWith('    checks: ../../etc/passwd'), names: ['{config}', 'checks'] },
  { id: 'cfg-path-checks-absolute', target: 'staging-gate', kind: 'outside-path', inputs: { cluster: null, service: null }, config: configWith('    checks: "{outside}/checks.yml"'), names: ['{config}', 'checks'] },
  { id: 'cfg-symlink-checks', target: 'rollback', kind: 'symlink', inputs: FROM_CONFIG, config: configWith('    checks: link-checks.yml'), names: ['{config}', 'checks'] },
  { id: 'cfg-symlink-checks-directory', target: 'health-verify', kind: 'symlink', inputs: { url: null, environment: 'staging' }, config: configWith('    checks: linkdir/checks.yml'), names: ['{config}', 'checks'] },

  // the CLI (and the config file it reads)
  { id: 'cli-deploy-empty-environment', target: 'cli', kind: 'empty', argv: ['deploy', '--environment', '', '--image', IMAGE], names: ['--cluster'], code: 2 },
  { id: 'cli-deploy-empty-image', target: 'cli', kind: 'empty', argv: ['deploy', '--environment', 'staging', '--image', ''], names: ['--image'], code: 2 },
  { id: 'cli-deploy-wrong-timeout', target: 'cli', kind: 'wrong-type', argv: ['deploy', '--environment', 'staging', '--image', IMAGE, '--timeout', 'soon'], names: ['--timeout'], code: 2 },
  { id: 'cli-deploy-wrong-desired-count', target: 'cli', kind: 'wrong-type', argv: ['deploy', '--environment', 'staging', '--image', IMAGE, '--desired-count', 'lots'], names: ['--desired-count'], code: 2 },
  { id: 'cli-deploy-wrong-on-failure', target: 'cli', kind: 'wrong-type', argv: ['deploy', '--environment', 'staging', '--image', IMAGE, '--on-failure', 'explode'], names: ['--on-failure'], code: 2 },
  { id: 'cli-deploy-range-desired-count', target: 'cli', kind: 'out-of-range', argv: ['deploy', '--environment', 'staging', '--image', IMAGE, '--desired-count', '5001'], names: ['--desired-count'], code: 2 },
  { id: 'cli-deploy-range-poll-interval', target: 'cli', kind: 'out-of-range', argv: ['deploy', '--environment', 'staging', '--image', IMAGE, '--poll-interval', '0s'], names: ['--poll-interval'], code: 2 },
  { id: 'cli-deploy-inj-image-subshell', target: 'cli', kind: 'injection', argv: ['deploy', '--environment', 'staging', '--image', '$(id)'], names: ['--image'], code: 2 },
  { id: 'cli-deploy-inj-version-error-command', target: 'cli', kind: 'injection', argv: ['deploy', '--environment', 'staging', '--image', IMAGE, '--version', `1.1.0${NL_ERROR}`], names: ['--version'], code: 2, smuggled: '::error::pwned' },
  { id: 'cli-deploy-inj-service-output', target: 'cli', kind: 'injection', argv: ['deploy', '--cluster', 'staging', '--service', `web${NL_STATUS}`, '--image', IMAGE, '--container', 'web'], names: ['--service'], code: 2, smuggled: 'status=succeeded' },
  { id: 'cli-deploy-huge-version', target: 'cli', kind: 'huge', argv: ['deploy', '--environment', 'staging', '--image', IMAGE, '--version', huge(HUGE_OPTION, 'v')], names: ['--version'], code: 2 },
  { id: 'cli-deploy-huge-task-definition', target: 'cli', kind: 'huge', argv: ['deploy', '--cluster', 'staging', '--service', 'web', '--task-definition', 'huge-td.json'], names: ['--task-definition'], code: 2 },
  { id: 'cli-deploy-unicode-cluster-bidi', target: 'cli', kind: 'unicode', argv: ['deploy', '--cluster', `stag${RLO}ing`, '--service', 'web', '--image', IMAGE, '--container', 'web'], names: ['--cluster'], code: 2 },
  { id: 'cli-deploy-path-task-definition-dotdot', target: 'cli', kind: 'outside-path', argv: ['deploy', '--cluster', 'staging', '--service', 'web', '--task-definition', '../../etc/passwd'], names: ['--task-definition'], code: 2 },
  { id: 'cli-deploy-path-task-definition-absolute', target: 'cli', kind: 'outside-path', argv: ['deploy', '--cluster', 'staging', '--service', 'web', '--task-definition', '{outside}/td.json'], names: ['--task-definition'], code: 2 },
  { id: 'cli-deploy-symlink-task-definition', target: 'cli', kind: 'symlink', argv: ['deploy', '--cluster', 'staging', '--service', 'web', '--task-definition', 'link-td.json'], names: ['--task-definition'], code: 2 },
  { id: 'cli-verify-wrong-url', target: 'cli', kind: 'wrong-type', argv: ['verify', '--url', 'not a url'], names: ['--url'], code: 2 },
  { id: 'cli-verify-range-consecutive-successes', target: 'cli', kind: 'out-of-range', argv: ['verify', '--url', '{listener}/', '--consecutive-successes', '0'], names: ['--consecutive-successes'], code: 2 },
  { id: 'cli-verify-inj-url-error-command', target: 'cli', kind: 'injection', argv: ['verify', '--url', `{listener}/${NL_ERROR}`], names: ['--url'], code: 2, smuggled: '::error::pwned' },
  { id: 'cli-verify-unicode-mode-zero-width', target: 'cli', kind: 'unicode', argv: ['verify', '--url', '{listener}/', '--mode', `veri${ZWSP}fy`], names: ['--mode'], code: 2 },
  { id: 'cli-verify-path-checks-absolute', target: 'cli', kind: 'outside-path', argv: ['verify', '--checks', '{outside}/checks.yml'], names: ['--checks'], code: 2 },
  { id: 'cli-verify-symlink-checks', target: 'cli', kind: 'symlink', argv: ['verify', '--checks', 'link-checks.yml'], names: ['--checks'], code: 2 },
  { id: 'cli-gate-wrong-sha', target: 'cli', kind: 'wrong-type', argv: ['gate', '--environment', 'staging', '--sha', 'xyz'], names: ['--sha'], code: 2 },
  { id: 'cli-gate-wrong-min-soak', target: 'cli', kind: 'wrong-type', argv: ['gate', '--environment', 'staging', '--version', '1.0.0', '--min-soak', 'long'], names: ['--min-soak'], code: 2 },
  { id: 'cli-gate-inj-emergency-actors', target: 'cli', kind: 'injection', argv: ['gate', '--environment', 'staging', '--version', '1.0.0', '--emergency', '--emergency-reason', 'outage', '--emergency-actors', `alice\n${SET_OUTPUT}`], names: ['--emergency-actors'], code: 2, smuggled: '::set-output' },
  { id: 'cli-rollback-wrong-to', target: 'cli', kind: 'wrong-type', argv: ['rollback', '--environment', 'staging', '--to', 'yesterday'], names: ['--to'], code: 2 },
  { id: 'cli-rollback-inj-to-output', target: 'cli', kind: 'injection', argv: ['rollback', '--environment', 'staging', '--to', `previous${NL_STATUS}`], names: ['--to'], code: 2, smuggled: 'status=succeeded' },
  { id: 'cli-rollback-unicode-service-zero-width', target: 'cli', kind: 'unicode', argv: ['rollback', '--cluster', 'staging', '--service', `w${ZWSP}eb`], names: ['--service'], code: 2 },
  { id: 'cli-config-path-dotdot', target: 'cli', kind: 'outside-path', argv: ['--config', '../../etc/passwd', 'deploy', '--environment', 'staging', '--image', IMAGE], names: ['--config'], code: 3 },
  { id: 'cli-config-path-absolute', target: 'cli', kind: 'outside-path', argv: ['--config', '{outside}/config.yml', 'rollback', '--environment', 'staging'], names: ['--config'], code: 3 },
  { id: 'cli-config-symlink', target: 'cli', kind: 'symlink', argv: ['--config', 'link-config.yml', 'gate', '--environment', 'staging', '--version', '1.0.0'], names: ['--config'], code: 3 },
  { id: 'cli-config-huge', target: 'cli', kind: 'huge', argv: ['--config', 'huge-config.yml', 'deploy', '--environment', 'staging', '--image', IMAGE], names: ['huge-config.yml'], code: 3 },
  { id: 'cli-config-empty', target: 'cli', kind: 'empty', argv: ['deploy', '--environment', 'staging', '--image', IMAGE], config: '', names: ['{config}'], code: 3 },
  { id: 'cli-config-wrong-soak', target: 'cli', kind: 'wrong-type', argv: ['gate', '--environment', 'staging', '--version', '1.0.0'], config: configWith('    soak: forever'), names: ['{config}', 'soak'], code: 3 },
  { id: 'cli-config-range-desired-count', target: 'cli', kind: 'out-of-range', argv: ['deploy', '--environment', 'staging', '--image', IMAGE], config: configWith('    desired-count: -2'), names: ['{config}', 'desired-count'], code: 3 },
  { id: 'cli-config-inj-cluster-error-command', target: 'cli', kind: 'injection', argv: ['rollback', '--environment', 'staging'], config: configWith('').replace('cluster: staging', 'cluster: "staging\\n::error::pwned"'), names: ['{config}', 'cluster'], code: 3, smuggled: '::error::pwned' },
  { id: 'cli-config-unicode-cluster-bidi', target: 'cli', kind: 'unicode', argv: ['deploy', '--environment', 'staging', '--image', IMAGE], config: configWith('').replace('cluster: staging', `cluster: "stag${RLO}ing"`), names: ['{config}', 'cluster'], code: 3 },
  { id: 'cli-config-symlink-checks', target: 'cli', kind: 'symlink', argv: ['verify', '--environment', 'staging'], config: configWith('    checks: link-checks.yml'), names: ['{config}', 'checks'], code: 3 }
]
