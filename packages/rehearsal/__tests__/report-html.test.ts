import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse, type DefaultTreeAdapterTypes } from 'parse5'
import type { RehearsalResult } from '../src/model.js'
import { MAX_LOG_CHARS, logHtml } from '../src/report/html/job.js'
import {
  overallConclusion,
  renderHtmlReport,
  writeHtmlReport,
  type HtmlReportInput
} from '../src/report/html/page.js'
import {
  T0,
  allEvents,
  job,
  productionResult,
  rehearsal,
  stagingResult,
  step
} from './fixtures/report/results.js'

type Element = DefaultTreeAdapterTypes.Element

function report(overrides: Partial<HtmlReportInput> = {}): string {
  return renderHtmlReport({
    title: 'Rehearsal of shop',
    generatedAt: T0 + 1_400_000,
    runs: rehearsal(),
    timeline: allEvents(),
    ...overrides
  })
}

function elements(html: string): Element[] {
  const found: Element[] = []
  const stack: DefaultTreeAdapterTypes.Node[] = [parse(html)]
  while (stack.length > 0) {
    const node = stack.pop() as DefaultTreeAdapterTypes.Node
    if ('tagName' in node) found.push(node)
    if ('childNodes' in node) stack.push(...node.childNodes)
    if ('content' in node) stack.push(node.content)
  }
  return found
}

function text(html: string): string {
  return elements(html)
    .filter(e => e.tagName === 'body')
    .flatMap(body => {
      const parts: string[] = []
      const stack: DefaultTreeAdapterTypes.Node[] = [body]
      while (stack.length > 0) {
        const node = stack.pop() as DefaultTreeAdapterTypes.Node
        if (node.nodeName === '#text') parts.push((node as DefaultTreeAdapterTypes.TextNode).value)
        if ('childNodes' in node) stack.push(...[...node.childNodes].reverse())
      }
      return parts
    })
    .join('')
}

const URL_ATTRIBUTES = [
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'data',
  'poster',
  'background'
]

/** Everything that could run code or load something from elsewhere, as parsed by a browser. */
function activeContent(html: string): string[] {
  const found: string[] = []
  for (const element of elements(html)) {
    const tag = element.tagName
    if (
      [
        'script',
        'iframe',
        'object',
        'embed',
        'img',
        'link',
        'base',
        'form',
        'frame',
        'image',
        'use'
      ].includes(tag)
    ) {
      found.push(`<${tag}>`)
    }
    if (tag === 'style' && element.parentNode?.nodeName !== 'head') found.push('<style> in body')
    if (
      tag === 'meta' &&
      element.attrs.some(a => a.name === 'http-equiv' && a.value.toLowerCase() === 'refresh')
    ) {
      found.push('<meta refresh>')
    }
    for (const { name, value } of element.attrs) {
      if (name.startsWith('on')) found.push(`${tag}[${name}]`)
      if (name === 'style') found.push(`${tag}[style]`)
      if (URL_ATTRIBUTES.includes(name) && !/^(https?:\/\/|#)/i.test(value)) {
        found.push(`${tag}[${name}=${value}]`)
      }
    }
  }
  return found
}

describe('renderHtmlReport on a staging and a production rehearsal', () => {
  const html = report()
  const body = text(html)

  it('is one self-contained document that runs nothing and loads nothing', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')).toBe(
      true
    )
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'">`
    )
    expect(activeContent(html)).toEqual([])
    expect(elements(html).filter(e => e.tagName === 'style')).toHaveLength(1)
    expect(html).not.toMatch(
      /https?:\/\/(?!(staging|production)\.shop\.example\.com|eu-west-1\.console\.aws\.amazon\.com|www\.w3\.org\/2000\/svg)/
    )
  })

  it('heads with the overall conclusion, the duration and the runs', () => {
    expect(body).toContain('Rehearsal of shop')
    expect(html).toContain(
      '<p class="verdict"><span class="state s-failure">✗ failure</span> <span class="muted">in 21m 52s · 2 runs · 2 problems</span></p>'
    )
    expect(html).toContain('<a href="#run-1">Staging</a>')
    expect(html).toContain('<a href="#run-2">Production</a>')
    expect(body).toContain('Started 2026-12-07T10:00:00.000Z · written 2026-12-07T10:23:20.000Z')
  })

  it('lists every job of each run in order, a failed one open', () => {
    const ids = [
      ...html.matchAll(/<details class="job job-(\w+) depth-(\d)" id="(run-\d-job-\d)"( open)?>/g)
    ].map(m => `${m[3]} ${m[1]} ${m[2]}${m[4] ?? ''}`)
    expect(ids).toEqual([
      'run-1-job-1 success 0',
      'run-1-job-2 success 0',
      'run-1-job-3 success 0',
      'run-1-job-4 success 1',
      'run-1-job-5 success 1',
      'run-1-job-6 success 0',
      'run-2-job-1 success 0',
      'run-2-job-2 failure 0 open',
      'run-2-job-3 success 1',
      'run-2-job-4 failure 1 open',
      'run-2-job-5 success 1',
      'run-2-job-6 success 2',
      'run-2-job-7 success 2',
      'run-2-job-8 failure 0 open'
    ])
  })

  it('shows the environment, the approval (who, when, wait timer) and the outputs of a job', () => {
    expect(body).toContain('Environmentproduction · https://production.shop.example.com')
    expect(html).toContain(
      '<a href="https://production.shop.example.com/" rel="noopener noreferrer nofollow">'
    )
    expect(body).toContain(
      'Approvalapproval requested from alice-release, shop-org/platform at +11m 30s · approved by alice-release at +13m (after 1m 30s) · wait timer 5m'
    )
    expect(html).toContain(
      '<time datetime="2026-12-07T10:13:00.000Z" title="2026-12-07T10:13:00.000Z">+13m</time>'
    )
    expect(body).toContain('failed-checkshttp /health')
  })

  it('lists the steps with their state, duration, stand-in and annotations', () => {
    expect(body).toContain(
      '✓ successactions/checkoutstand-in0.2sactions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1stand-in: the repository on disk'
    )
    expect(body).toContain('↷ skippedMonitoring windowaction')
    expect(html).toContain(
      '<li class="ann-warning">warning: 503 Service Unavailable from https://production.shop.example.com/health</li>'
    )
    expect(html).toContain(
      '<li class="ann-error">error: web is unhealthy: http /health failed 2 rounds in a row (503)</li>'
    )
  })

  it('renders the step summaries: Markdown tables, HTML tables, details, emoji', () => {
    expect(html).toContain(
      '<section class="summary"><h4>Summary of step verify</h4><div class="markdown"><h2>✅ Healthy: staging (web)</h2>'
    )
    expect(html).toContain('<th align="right">Samples</th>')
    expect(html).toContain('<td>web</td><td>succeeded</td><td>web:41 → web:42</td>')
    expect(html).toContain('<details><summary>Timeline of web: 3 service events</summary>')
    expect(html).toContain(
      '<input checked type="checkbox" disabled> every check passed 3 rounds in a row'
    )
    expect(html).toContain('<h2>↩️ Rolled back: shop-production/web</h2>')
  })

  it('puts each log, escaped, in a collapsed block with its workflow commands marked', () => {
    expect(html).toContain(
      '<details class="log"><summary>Log of Monitoring window (6 lines)</summary><pre>'
    )
    expect(html).toContain(
      '<span class="log-error">::error title=Monitoring window::web is unhealthy: http /health failed 2 rounds in a row (503)</span>'
    )
    expect(html).toContain(
      '<span class="log-warning">::warning title=http /health::503 Service Unavailable'
    )
    expect(html).toContain('collected 412 items\n\n412 passed in 39.80s')
    expect(html).not.toContain('\u001b')
  })

  it('lists problems and stand-ins of each run', () => {
    expect(html).toContain(
      '<li class="p-warning">warning .github/workflows/staging.yml:71:18: output &#39;p95-ms&#39; of job deploy is read but deploy.yml does not declare it in ${{ needs.deploy.outputs[&#39;p95-ms&#39;] }} (job integration)</li>'
    )
    expect(html).toContain('<li class="p-error">error .github/workflows/rollback.yml:244:9:')
    expect(html).toContain(
      '<li><code>docker/build-push-action</code> → an image pushed to the simulator by digest</li>'
    )
  })

  it('draws a lane per environment, in the order they first appear, with labelled events', () => {
    const lanes = [...html.matchAll(/<text class="lane-label"[^>]*>([^<]*)<\/text>/g)].map(
      m => m[1]
    )
    expect(lanes).toEqual(['staging', 'production'])
    const labels = [...html.matchAll(/<text class="label"[^>]*>([^<]*)<\/text>/g)].map(m => m[1])
    expect(labels).toEqual([
      'deployed 1.1.0',
      'verified',
      'approval requested from alice-rel…',
      'wait timer 5 min',
      'approved by alice-release',
      'deployed 1.1.0',
      'verified',
      'deployment failed: checks failed:…',
      'rollback rolled-back to 1.0.9'
    ])
    expect(html).toContain(
      '<title>production: approval requested from alice-release, shop-org/platform (+11m 30s, job deploy/deploy)</title>'
    )
    expect(html).toMatch(
      /<rect class="timer-bar" x="[\d.]+" y="\d+" width="[\d.]+" height="10" rx="3"\/>/
    )
    expect(html).toMatch(/<line class="approval-span" /)
    expect(body).toContain('All 9 events')
    expect(body).toContain(
      '+11m 30sproductionapproval requestedapproval of alice-release, shop-org/platformdeploy/deploy'
    )
    for (const kind of [
      'deployed',
      'verified',
      'approval-requested',
      'wait-timer',
      'approved',
      'deployment-failed',
      'rolled-back'
    ]) {
      expect(html).toContain(`<circle class="ev-${kind}"`)
    }
  })
})

function hostileResult(): RehearsalResult {
  const result = stagingResult()
  const summary = [
    '# Results <script>alert("summary")</script>',
    '',
    '<img src=x onerror=alert(1)> [click me](javascript:alert(2)) <a href="data:text/html,x">data</a>',
    '',
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>',
    '',
    '<details open ontoggle=alert(3)><summary onclick=alert(4)>more</summary>',
    '',
    '<svg onload=alert(5)></svg><form action="https://evil.example"><input name=x></form>',
    '',
    '</details></section></div></main><a href=" javascript:alert(6)">spaced</a>',
    '<div style="position:fixed;inset:0" class="verdict">fake verdict</div>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">'
  ].join('\n')
  result.jobs = [
    job({
      key: 'evil <b onmouseover=alert(7)>',
      name: '<script>alert(8)</script>',
      state: 'failure',
      reason: '</summary><script>alert(9)</script>',
      environment: { name: '<i>prod</i>', url: 'javascript:alert(10)' },
      outputs: { '<k>': '"><script>alert(11)</script>' },
      steps: [
        step({
          id: 'x',
          name: 'step </td><script>alert(12)</script>',
          state: 'failure',
          summary,
          log: 'before\n</pre><script>alert(13)</script>\n\u001b[31mred\u001b[0m\n',
          annotations: [{ level: 'error', message: '<img src=x onerror=alert(14)>' }]
        })
      ]
    })
  ]
  result.problems = [
    { level: 'error', message: '<script>alert(15)</script>', file: '"><svg onload=alert(16)>' }
  ]
  result.standIns = { '<x>': '<script>alert(17)</script>' }
  result.timeline = [
    {
      environment: '<script>alert(18)</script>',
      at: T0,
      kind: 'deployed',
      detail: '</text><script>alert(19)</script>'
    }
  ]
  return result
}

describe('renderHtmlReport with hostile summaries, logs and names', () => {
  const result = hostileResult()
  const html = renderHtmlReport({
    title: '<script>alert(0)</script>',
    generatedAt: T0,
    runs: [{ title: '<b>run</b>', result }],
    timeline: []
  })

  it('has nothing a browser would run or load', () => {
    expect(activeContent(html)).toEqual([])
    expect(
      elements(html)
        .filter(e => e.tagName === 'meta')
        .map(e => e.attrs.map(a => a.name).join(','))
        .sort()
    ).toEqual(['charset', 'http-equiv,content', 'name,content'])
  })

  it('drops the summary markup that is not allowed, keeping its text', () => {
    expect(html).not.toMatch(/alert\("summary"\)|alert\([1-6]\)/)
    expect(html).toContain('<a>click me</a>')
    expect(html).toContain('<a>data</a>')
    expect(html).toContain('<a>spaced</a>')
    expect(html).toContain('<details open><summary>more</summary>')
    expect(html).toContain('<div>fake verdict</div>')
  })

  it('keeps a summary that closes elements from closing the report around it', () => {
    const summaries = elements(html).filter(e =>
      e.attrs.some(a => a.name === 'class' && a.value === 'markdown')
    )
    expect(summaries).toHaveLength(1)
    const section = summaries[0]?.parentNode as Element
    expect(section.tagName).toBe('section')
    // The job's log still follows the summary inside the same job.
    expect(html).toMatch(/<div class="markdown">[\s\S]*<\/div><\/section><details class="log">/)
  })

  it('shows names, reasons, outputs and logs as text', () => {
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(13)&lt;/script&gt;')
    expect(html).toContain('<span class="key">evil &lt;b onmouseover=alert(7)&gt;</span>')
    expect(html).toContain('&lt;/summary&gt;&lt;script&gt;alert(9)&lt;/script&gt;')
    expect(html).toContain('<code>&quot;&gt;&lt;script&gt;alert(11)&lt;/script&gt;</code>')
    expect(html).toContain(
      'Environment</dt><dd><span class="env">&lt;i&gt;prod&lt;/i&gt;</span> · javascript:alert(10)</dd>'
    )
    expect(html).toContain('<title>&lt;script&gt;alert(0)&lt;/script&gt;</title>')
    expect(html).toContain('&lt;/text&gt;&lt;script&gt;alert(19)&lt;/script&gt;')
    expect(html).toContain('\nred</pre>')
    const bodyText = text(html)
    for (const n of [0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
      expect(bodyText).toContain(`alert(${n})`)
  })
})

describe('renderHtmlReport edge cases', () => {
  it('says so when no environment had events, and takes the runs’ timelines when none is given', () => {
    const staging = stagingResult()
    const without = renderHtmlReport({
      title: 't',
      generatedAt: T0,
      runs: [{ title: 'S', result: { ...staging, timeline: [] } }],
      timeline: []
    })
    expect(without).toContain('No environment was deployed to, approved or rolled back.')
    const fromRuns = renderHtmlReport({
      title: 't',
      generatedAt: T0,
      runs: [{ title: 'S', result: staging }],
      timeline: []
    })
    expect(fromRuns).toContain('<text class="lane-label"')
  })

  it('has no dates for a clock that starts at zero, and no runs at all', () => {
    const result = stagingResult()
    const shift = (ms: number) => ms - T0
    result.startedAt = shift(result.startedAt)
    result.endedAt = shift(result.endedAt)
    result.jobs = [job({ key: 'test', startedAt: 0, endedAt: 1500 })]
    result.timeline = [{ environment: 'dev', at: 500, kind: 'deployed', detail: '' }]
    const html = renderHtmlReport({
      title: 't',
      generatedAt: Number.NaN,
      runs: [{ title: 'S', result }],
      timeline: []
    })
    expect(html).not.toContain('<time')
    expect(text(html)).toContain('times are shown from the start (+0.0s)')
    const empty = renderHtmlReport({ title: 'nothing', generatedAt: T0, runs: [], timeline: [] })
    expect(empty).toContain(
      '<span class="state s-success">✓ success</span> <span class="muted">in 0.0s</span>'
    )
  })

  it('places events without a job, unanswered approvals and timers of unknown length', () => {
    const html = renderHtmlReport({
      title: 't',
      generatedAt: T0,
      runs: [],
      timeline: [
        { environment: 'dev', at: T0, kind: 'approval-requested', detail: '' },
        { environment: 'dev', at: T0 + 1000, kind: 'wait-timer', detail: 'a while' },
        { environment: 'dev', at: T0 + 2000, kind: 'rejected', detail: 'rejected by --reject' },
        { environment: 'qa', at: T0 + 2500, kind: 'approval-requested', detail: 'approval of bob' },
        ...Array.from({ length: 6 }, (_, i) => ({
          environment: 'staging',
          at: T0 + 3000 + i,
          kind: 'verified' as const,
          detail: `check ${i}`
        }))
      ]
    })
    expect(html).not.toContain('<rect class="timer-bar"')
    // The answer without a job answers the request without one; qa's is never answered.
    expect(html.match(/<line class="approval-span"/g)).toHaveLength(1)
    expect(html).toContain('>rejected by --reject</text>')
    expect(html).toContain('>verified check 5</text>')
    expect(html).toMatch(/text-anchor="end">verified check 5</)
  })

  it('shows the end of a very long log', () => {
    const log = 'x'.repeat(MAX_LOG_CHARS + 10) + '\nlast line'
    const out = logHtml(log)
    expect(out).toContain('… 20 characters before this are left out')
    expect(out.endsWith('last line</pre>')).toBe(true)
  })

  it('concludes cancelled when a run was cancelled and none failed', () => {
    const staging = stagingResult()
    expect(
      overallConclusion([{ title: 'a', result: { ...staging, conclusion: 'cancelled' } }])
    ).toBe('cancelled')
    expect(
      overallConclusion([
        { title: 'a', result: productionResult() },
        { title: 'b', result: { ...staging, conclusion: 'cancelled' } }
      ])
    ).toBe('failure')
  })

  it('shows a running job, a job without an approval request, and a post step', () => {
    const result = stagingResult()
    result.jobs = [
      job({
        key: 'deploy',
        state: 'running',
        startedAt: T0,
        environment: {
          name: 'dev',
          approval: { decision: 'approved', by: 'no reviewers', at: T0, waitTimerMs: 0 }
        },
        steps: [step({ id: 'a', name: 'deploy-fargate', post: true, log: 'one line' })]
      })
    ]
    const html = renderHtmlReport({
      title: 't',
      generatedAt: T0,
      runs: [{ title: 'S', result }],
      timeline: []
    })
    expect(text(html)).toContain('Ran+0.0s (not ended)')
    expect(text(html)).toContain('Approvalapproved by no reviewers at +0.0s')
    expect(text(html)).toContain('Log of Post deploy-fargate (1 line)')
  })
})

describe('writeHtmlReport', () => {
  it('writes the report, making its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'))
    try {
      const path = join(dir, 'nested', 'rehearsal.html')
      const input = {
        title: 'Rehearsal',
        generatedAt: T0,
        runs: rehearsal(),
        timeline: allEvents()
      }
      await writeHtmlReport(path, input)
      expect(await readFile(path, 'utf8')).toBe(renderHtmlReport(input))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
