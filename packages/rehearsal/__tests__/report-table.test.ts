import { describe, expect, it } from '@jest/globals'
import { resultTable } from '../src/report/table.js'
import { displayWidth } from '../src/report/text.js'
import { job, productionResult, rehearsal, stagingResult } from './fixtures/report/results.js'

const ESC = '\u001b'

describe('resultTable', () => {
  it('has a row per job of every run, then the stand-ins, problems and conclusions', () => {
    const text = resultTable(rehearsal(), { color: false })
    const lines = text.split('\n')
    expect(lines[0]).toMatch(/^Job +Environment +State +Duration +Note$/)
    expect(lines[1]).toMatch(/^─+ {2}─+ {2}─+ {2}─+ {2}─+$/)
    expect(lines.slice(2, 16).map(line => line.split(/ {2,}/))).toEqual([
      ['Staging / test', '✓ success', '41.3s'],
      ['Staging / build', '✓ success', '30.5s', expect.stringMatching(/^image=123456789012\.dkr/)],
      ['Staging / deploy', '✓ success', '2m', 'status=succeeded version=1.1.0'],
      ['Staging / deploy/plan', '✓ success', '2.1s'],
      [
        'Staging / deploy/deploy',
        'staging',
        '✓ success',
        '1m 57s',
        'status=succeeded version=1.1.0 healthy=true'
      ],
      ['Staging / integration', '✓ success', '58.0s'],
      ['Production / gate', 'staging-monitor', '✓ success', '29.0s', 'version=1.1.0 approved=true'],
      ['Production / deploy', '✗ failure', '11m 40s', 'job deploy/deploy failed'],
      ['Production / deploy/plan', '✓ success', '2.1s'],
      [
        'Production / deploy/deploy',
        'production',
        '✗ failure',
        '4m 5s',
        'step Monitoring window failed: web is unhealthy · approved by alice-rel…'
      ],
      ['Production / deploy/rollback', '✓ success', '59.0s', 'rolled-back=true'],
      ['Production / deploy/rollback/plan', '✓ success', '2.1s'],
      [
        'Production / deploy/rollback/rollback (web)',
        'production-monitor',
        '✓ success',
        '55.5s',
        'status=rolled-back rolled-back=true'
      ],
      ['Production / summary', '✗ failure', '11.0s', 'Process completed with exit code 1.']
    ])
    expect(text).toContain(
      [
        'Stand-ins (third-party actions replaced for the rehearsal)',
        '  actions/checkout → the repository on disk',
        '  actions/setup-python → python3 on this machine',
        '  aws-actions/configure-aws-credentials → credentials of the simulator',
        '  docker/build-push-action → an image pushed to the simulator by digest'
      ].join('\n')
    )
    expect(text).toContain(
      [
        'Problems (2)',
        "  ⚠ warning .github/workflows/staging.yml:71:18: output 'p95-ms' of job deploy is read but deploy.yml does not declare it in ${{ needs.deploy.outputs['p95-ms'] }} (job integration)",
        "  ✗ error .github/workflows/rollback.yml:244:9: output 'to' of job rollback is not declared by rollback.yml (job deploy/rollback/rollback (web), step rollback)"
      ].join('\n')
    )
    expect(lines.slice(-2)).toEqual([
      'Staging (.github/workflows/staging.yml): ✓ success in 4m 11s',
      'Production (.github/workflows/production.yml): ✗ failure in 12m 22s'
    ])
    expect(text).not.toContain(ESC)
  })

  it.each([100, 80, 60])('fits the jobs table in %d columns, cutting wide cells with …', width => {
    const lines = resultTable(rehearsal(), { color: false, width }).split('\n')
    const table = lines.slice(0, 16)
    for (const line of table) expect(displayWidth(line)).toBeLessThanOrEqual(width)
    if (width < 100) {
      // Job keys keep their end, where they differ.
      expect(table.some(line => /…[a-z/]*k \(web\)/.test(line))).toBe(true)
    }
  })

  it('colours the header, the states and the conclusions only when asked', () => {
    const text = resultTable([{ title: 'Production', result: productionResult() }], { color: true })
    expect(text).toContain(`${ESC}[1mJob`)
    expect(text).toContain(`${ESC}[31m✗ failure`)
    expect(text).toContain(`${ESC}[32m✓ success`)
    expect(text).toContain(`${ESC}[31m✗${ESC}[39m error`)
    const warning = resultTable([{ title: 'Staging', result: stagingResult() }], { color: true })
    expect(warning).toContain(`${ESC}[33m⚠${ESC}[39m warning`)
  })

  it('neutralises what steps and workflows wrote', () => {
    const result = stagingResult()
    result.jobs = [
      job({
        key: `evil${ESC}[2J`,
        state: 'failure',
        reason: `bad\u0007\nnews ${ESC}]8;;https://x${ESC}\\link`,
        environment: { name: 'prod\u202e' }
      })
    ]
    result.standIns = { 'x/y': `z${ESC}[31m` }
    result.problems = [{ level: 'error', message: `m\r\n${ESC}[Aup` }]
    const text = resultTable([{ title: `T\u0000`, result }], { color: false })
    // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/)
    expect(text).toContain('T\\x00 / evil')
    expect(text).toContain('prod\\u202e')
    expect(text).toContain('bad\\x07\\nnews link')
    expect(text).toContain('x/y → z')
    expect(text).toContain('error: m\\r\\nup')
  })

  it('says when no job ran, and leaves out empty sections', () => {
    const result = stagingResult()
    result.jobs = []
    result.standIns = {}
    result.problems = []
    const text = resultTable([{ title: 'Staging', result }], { color: false })
    expect(text.split('\n')).toEqual([
      'Job  Environment  State  Duration  Note',
      '───  ───────────  ─────  ────────  ────',
      '(no jobs ran)',
      '',
      'Staging (.github/workflows/staging.yml): ✓ success in 4m 11s'
    ])
  })

  it('says the durations are simulated time when the simulator runs faster', () => {
    const fast = resultTable(rehearsal(), { color: false, timeScale: 180 })
    expect(fast.split('\n').at(-1)).toBe(
      'Durations are simulated time (180x real time): waits, soaks and timers as in production.'
    )
    expect(resultTable(rehearsal(), { color: false, timeScale: 1 })).not.toContain('simulated time')
    expect(resultTable(rehearsal(), { color: false })).not.toContain('simulated time')
  })
})
