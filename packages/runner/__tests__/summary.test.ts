import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createSummary,
  escapeHtml,
  escapeTableCell,
  isHtmlFragment,
  link,
  safeUrl,
  SUMMARY_LIMIT_BYTES,
  trustedHtml
} from '../src/index.js'
import { isolateProcessState } from './helpers.js'

isolateProcessState()

// core.summary remembers the file path of its first write, so the whole file shares one.
let dir = ''
let summaryFile = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-summary-'))
  summaryFile = join(dir, 'step_summary')
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => {
  writeFileSync(summaryFile, '')
  process.env['GITHUB_STEP_SUMMARY'] = summaryFile
})

const UNTRUSTED = '<script>alert(1)</script> | a & "b"\n\n# not a heading'

describe('escaping', () => {
  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;'
    )
  })

  it('makes table cells safe: no HTML, no pipe, no raw newline', () => {
    expect(escapeTableCell(UNTRUSTED)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &#124; a &amp; &quot;b&quot;<br><br># not a heading'
    )
    expect(escapeTableCell('a\r\nb\rc')).toBe('a<br>b<br>c')
  })
})

describe('links', () => {
  it.each([
    ['https://console.aws.amazon.com/ecs/v2/clusters/prod?region=eu-west-1&x="1"', true],
    ['http://127.0.0.1:8080/health', true],
    ['javascript:alert(1)', false],
    ['data:text/html,<b>x</b>', false],
    ['ftp://example.com/file', false],
    ['not a url', false]
  ])('%p becomes a link: %p', (url, linked) => {
    expect(safeUrl(url) !== undefined).toBe(linked)
    const fragment = link('Open <console>', url)
    expect(isHtmlFragment(fragment)).toBe(true)
    if (linked) {
      expect(fragment.html).toMatch(/^<a href="[^"<>]+">Open &lt;console&gt;<\/a>$/)
    } else {
      expect(fragment.html).toBe('Open &lt;console&gt;')
    }
  })

  it('escapes the URL inside the attribute', () => {
    expect(link('x', 'https://a.example/?q="1"&r=2').html).toBe(
      '<a href="https://a.example/?q=%221%22&amp;r=2">x</a>'
    )
  })
})

describe('SummaryBuilder rendering', () => {
  it('renders each block separated by a blank line', () => {
    const text = createSummary()
      .heading('Deploy web to <prod>')
      .heading('Events', 3)
      .paragraph('Line one\nline two & more')
      .list(['ok', 3, true, link('run', 'https://github.com/a/b/actions/runs/1')])
      .link('Service', 'https://console.aws.amazon.com/ecs')
      .raw('<hr>')
      .toString()
    expect(text).toBe(
      [
        '<h2>Deploy web to &lt;prod&gt;</h2>',
        '<h3>Events</h3>',
        '<p>Line one<br>line two &amp; more</p>',
        '<ul>\n<li>ok</li>\n<li>3</li>\n<li>true</li>\n<li><a href="https://github.com/a/b/actions/runs/1">run</a></li>\n</ul>',
        '<p><a href="https://console.aws.amazon.com/ecs">Service</a></p>',
        '<hr>',
        ''
      ].join('\n\n')
    )
  })

  it('keeps headings on one line', () => {
    expect(createSummary().heading('a\n\nb', 1).toString()).toBe('<h1>a b</h1>\n\n')
  })

  it('escapes every table cell and keeps trusted fragments', () => {
    const text = createSummary()
      .table(
        ['Time', 'Event'],
        [
          ['12:00', UNTRUSTED],
          [trustedHtml('<code>x</code>'), 2]
        ]
      )
      .toString()
    expect(text).toBe(
      [
        '<table>',
        '<tr><th>Time</th><th>Event</th></tr>',
        `<tr><td>12:00</td><td>${escapeTableCell(UNTRUSTED)}</td></tr>`,
        '<tr><td><code>x</code></td><td>2</td></tr>',
        '</table>\n\n'
      ].join('\n')
    )
    expect(text).not.toContain('<script>')
    // A blank line would end the HTML block and let the rest be read as markdown.
    expect(text.trimEnd()).not.toMatch(/\n\s*\n/)
  })

  it('puts details bodies in a <pre> block that blank lines cannot break out of', () => {
    const text = createSummary()
      .details('HTTP 500 <body>', 'first\n\n</pre><img src=x onerror=alert(1)>\n# heading')
      .toString()
    expect(text).toBe(
      '<details><summary>HTTP 500 &lt;body&gt;</summary>\n\n' +
        '<pre>first\n\n&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;\n# heading</pre>\n\n' +
        '</details>\n\n'
    )
  })

  it.each([
    ['plain text', 'json', '```json\nplain text\n```'],
    ['has ``` inside\n', undefined, '````\nhas ``` inside\n````'],
    ['a ````` run', 'sh', '``````sh\na ````` run\n``````'],
    ['x', 'bad lang"><script>', '```\nx\n```'],
    ['x', 'c++', '```c++\nx\n```']
  ])('fences %p with a fence longer than any backtick run', (code, lang, expected) => {
    expect(createSummary().codeBlock(code, lang).toString()).toBe(`${expected}\n\n`)
  })
})

describe('SummaryBuilder.write', () => {
  it('appends to GITHUB_STEP_SUMMARY and empties the builder', async () => {
    const summary = createSummary().heading('One')
    await expect(summary.write()).resolves.toEqual({ bytes: 14, truncated: false })
    summary.paragraph('Two')
    await summary.write()
    expect(readFileSync(summaryFile, 'utf8')).toBe('<h2>One</h2>\n\n<p>Two</p>\n\n')
  })

  it('cuts a long table at a row boundary and says so', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [`task ${i}`, 'STOPPED'])
    const summary = createSummary()
      .heading('Tasks')
      .table(['Task', 'Status'], rows)
      .paragraph('end')
    const full = summary.toString()
    const result = await summary.write({ maxBytes: 4000 })
    const written = readFileSync(summaryFile, 'utf8')
    expect(result).toEqual({ bytes: Buffer.byteLength(written), truncated: true })
    expect(Buffer.byteLength(written)).toBeLessThanOrEqual(4000)
    expect(
      written.startsWith('<h2>Tasks</h2>\n\n<table>\n<tr><th>Task</th><th>Status</th></tr>\n')
    ).toBe(true)
    expect(written).toMatch(
      /<tr><td>task \d+<\/td><td>STOPPED<\/td><\/tr>\n<\/table>\n\n<p><strong>Summary truncated:<\/strong> \d+ bytes were left out/
    )
    expect(written).not.toContain('<p>end</p>')
    const omitted = Number(/(\d+) bytes were left out/.exec(written)![1])
    const kept = written.slice(0, written.indexOf('<p><strong>Summary truncated'))
    expect(omitted).toBe(Buffer.byteLength(full) - Buffer.byteLength(kept))
  })

  it.each([
    ['paragraph', (text: string) => createSummary().paragraph(text), '<p>', '…</p>'],
    ['code block', (text: string) => createSummary().codeBlock(text), '```\n', '…\n```'],
    [
      'details',
      (text: string) => createSummary().details('log', text),
      '<details>',
      '…</pre>\n\n</details>'
    ]
  ])('cuts a long %s inside its text and keeps it well-formed', (_kind, build, start, end) => {
    const summary = build('é'.repeat(5000))
    const { text, truncated } = summary.render(2000)
    expect(truncated).toBe(true)
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2000)
    const body = text.slice(0, text.indexOf('<p><strong>Summary truncated')).trimEnd()
    expect(body.startsWith(start)).toBe(true)
    expect(body.endsWith(end)).toBe(true)
  })

  it('does not split a surrogate pair when cutting text', () => {
    const { text } = createSummary().paragraph('😀'.repeat(1000)).render(1500)
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    expect(text).toContain('😀…</p>')
  })

  it('cuts a long list at an item boundary', () => {
    const items = Array.from({ length: 500 }, (_, i) => `item ${i}`)
    const { text } = createSummary().list(items).render(1000)
    expect(text).toMatch(/^<ul>\n(<li>item \d+<\/li>\n)+<\/ul>\n\n<p><strong>Summary truncated/)
  })

  it('drops a block that cannot be cut rather than breaking it', () => {
    const { text } = createSummary()
      .paragraph('short')
      .raw(`<div>${'x'.repeat(5000)}</div>`)
      .render(1000)
    expect(text).toMatch(/^<p>short<\/p>\n\n<p><strong>Summary truncated:<\/strong> 5013 bytes/)
  })

  it('drops a table when not even one row fits', () => {
    const { text } = createSummary()
      .table(['h'], [['r'.repeat(2000)]])
      .render(1000)
    expect(text.startsWith('<p><strong>Summary truncated')).toBe(true)
  })

  it('writes nothing when not even the note fits', async () => {
    const result = await createSummary().paragraph('x'.repeat(500)).write({ maxBytes: 100 })
    expect(result).toEqual({ bytes: 0, truncated: true })
    expect(readFileSync(summaryFile, 'utf8')).toBe('')
  })

  it('counts what the step already wrote against the 1 MiB limit', async () => {
    writeFileSync(summaryFile, 'x'.repeat(SUMMARY_LIMIT_BYTES - 1500))
    const result = await createSummary().paragraph('y'.repeat(3000)).write()
    expect(result.truncated).toBe(true)
    expect(readFileSync(summaryFile).length).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(readFileSync(summaryFile, 'utf8')).toContain('Summary truncated')
  })
})
