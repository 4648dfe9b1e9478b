import { describe, expect, it } from '@jest/globals'
import {
  figureRow,
  markdownTable,
  renderReport,
  renderSection,
  summarize,
  type Report,
  type Section
} from './report.js'
import { demoSection, healthSection, startupSection } from './sections.js'

describe('summarize', () => {
  it('gives the median, min, max and number of runs of an odd count', () => {
    expect(summarize([30, 10, 20, 50, 40])).toEqual({ runs: 5, median: 30, min: 10, max: 50 })
  })

  it('takes the lower median of an even count: a value some run really gave', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ runs: 4, median: 2, min: 1, max: 4 })
  })

  it('leaves out samples that are not numbers and says so in the count', () => {
    expect(summarize([Number.NaN, 7, Number.POSITIVE_INFINITY])).toEqual({
      runs: 1,
      median: 7,
      min: 7,
      max: 7
    })
  })

  it('has nothing to say of no samples', () => {
    expect(summarize([])).toBeUndefined()
    expect(summarize([Number.NaN])).toBeUndefined()
  })
})

describe('figureRow', () => {
  it('shows median, range with the unit, runs and goal', () => {
    const row = figureRow({
      label: 'start-up',
      unit: 'ms',
      samples: [212.4, 1203.6, 198.9],
      goal: '≤ 2,000 ms'
    })
    expect(row).toEqual(['start-up', '212 ms', '199–1,204 ms', '3', '≤ 2,000 ms'])
  })

  it('keeps the decimals asked for, puts % against the number and shows no goal as a dash', () => {
    expect(figureRow({ label: 'share', unit: '%', samples: [10.09, 9.5], digits: 1 })).toEqual([
      'share',
      '9.5%',
      '9.5–10.1%',
      '2',
      '—'
    ])
  })

  it('says a figure without samples was not measured', () => {
    expect(figureRow({ label: 'lag', unit: 'ms', samples: [], goal: '≤ 2 s' })).toEqual([
      'lag',
      'not measured',
      '—',
      '0',
      '≤ 2 s'
    ])
  })
})

describe('markdown', () => {
  it('escapes a | in a cell so that it cannot split the cell', () => {
    expect(markdownTable(['a', 'b'], [['x | y', '1']])).toBe(
      '| a | b |\n| --- | --- |\n| x \\| y | 1 |'
    )
  })

  const section: Section = {
    id: 'rollback',
    title: 'Rollback',
    figures: [{ label: 'round trips', unit: '', samples: [2, 2, 3], goal: '≤ 2' }],
    method: ['round trips: waves of calls before UpdateService.'],
    errors: []
  }

  it('renders a section as a numbered heading, a table and one line per method', () => {
    expect(renderSection(section, 3)).toBe(
      [
        '## 3. Rollback',
        '',
        '| Figure | Median | Range (min–max) | Runs | Goal |',
        '| --- | --- | --- | --- | --- |',
        '| round trips | 2 | 2–3 | 3 | ≤ 2 |',
        '',
        'How each figure is measured:',
        '',
        '- round trips: waves of calls before UpdateService.'
      ].join('\n')
    )
  })

  it('renders a section whose script failed with the reason and no table', () => {
    const failed: Section = { ...section, figures: [], method: [], errors: ['exited 1'] }
    expect(renderSection(failed, 1)).toBe('## 1. Rollback\n\n**Not measured:** exited 1')
  })

  const report: Report = {
    command: 'npm run bench -- --quick',
    quick: true,
    wallMs: 372_400,
    sections: [section],
    machine: {
      cpu: 'Example CPU @ 2.20GHz',
      cores: 2,
      memoryBytes: 8 * 2 ** 30,
      node: 'v20.20.2',
      bundleNode: 'v24.22.3',
      loadStart: [1.5, 0.75, 0.25],
      loadEnd: [2, 1, 0.5],
      date: '2026-12-07T18:00:00.000Z',
      commit: '9d199f8',
      dirty: true
    }
  }

  it('renders the machine (cpu, cores, memory, Node, load at start and end, date, commit)', () => {
    const text = renderReport(report)
    expect(
      text.startsWith('# Benchmark results\n\nWritten by `npm run bench -- --quick` (quick:')
    ).toBe(true)
    for (const line of [
      '| CPU | Example CPU @ 2.20GHz |',
      '| Cores | 2 |',
      '| Memory | 8.0 GiB |',
      '| Node | v20.20.2 (benchmarks); v24.22.3 (action bundles) |',
      '| Load average (1, 5, 15 min) at start | 1.50 0.75 0.25 |',
      '| Load average (1, 5, 15 min) at end | 2.00 1.00 0.50 |',
      '| Date | 2026-12-07T18:00:00.000Z |',
      '| Git commit | 9d199f8 (with uncommitted changes) |',
      '| Wall time of the run | 6 min 12 s |'
    ]) {
      expect(text).toContain(line)
    }
    expect(text).toContain('## 1. Rollback')
    expect(text.endsWith('\n')).toBe(true)
  })
})

describe('sections', () => {
  it("divides each action's start-up by the floor's of the same round", () => {
    const bundle = (label: string, samples: number[]) => ({
      label,
      jsBytes: 1000,
      jsGzipBytes: 300,
      samples,
      errors: []
    })
    const section = startupSection({
      bundles: [bundle('client-only', [100, 200]), bundle('rollback after', [150, 300])]
    })
    const ratio = section.figures.find(f => f.label === "rollback: start-up ÷ floor's")
    expect(ratio?.samples).toEqual([1.5, 1.5])
    expect(section.figures.map(f => f.label)).toContain(
      'floor (@aws-sdk/client-ecs alone): all .js gzipped'
    )
  })

  it('takes the p50 gap per run, so a run cannot hide behind the mean of two', () => {
    const section = healthSection(
      { requests: 100, concurrency: 32, target: 2000, rates: [3000], autocannonRates: [6000] },
      {
        requests: 100,
        delayMs: 50,
        toleranceMs: 5,
        ourP50Ms: [51, 60],
        autocannonP50Ms: [52, 51]
      }
    )
    const gap = section.figures.find(f => f.label.startsWith('p50 gap'))
    expect(gap?.samples).toEqual([1, 9])
    expect(section.figures.find(f => f.label.endsWith("÷ autocannon's"))?.samples).toEqual([0.5])
  })

  it('reports a demo run that failed and names its claims once, without their times', () => {
    const section = demoSection({
      wallMs: [72_000, 80_500],
      exitCodes: [0, 1],
      claims: ['22/22 claims hold · 12 rehearsals · 70.1 s', '21/22 claims hold · 78.0 s']
    })
    expect(section.figures[0]?.samples).toEqual([72, 80.5])
    expect(section.errors).toEqual(['demo run 2 exited 1: 21/22 claims hold · 78.0 s'])
    expect(section.method[0]).toContain('22/22 claims hold · 12 rehearsals; 21/22 claims hold.')
  })
})
