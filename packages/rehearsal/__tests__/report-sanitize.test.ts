import { describe, expect, it } from '@jest/globals'
import { renderSummary } from '../src/report/html/markdown.js'
import { safeHref, sanitizeHtml } from '../src/report/html/sanitize.js'

describe('sanitizeHtml: hostile markup comes out inert', () => {
  it.each([
    ['<script>alert(1)</script>after', 'after'],
    ['<SCRIPT SRC=https://evil.example/x.js></SCRIPT>', ''],
    ['<img src=x onerror=alert(1)>', ''],
    ['<img src="https://evil.example/track.png" alt="coverage 85%">', 'coverage 85%'],
    ['<a href="javascript:alert(1)">click</a>', '<a>click</a>'],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="  javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a>x</a>'],
    ['<a href="vbscript:msgbox(1)">x</a>', '<a>x</a>'],
    ['<a href="//evil.example/">x</a>', '<a>x</a>'],
    ['<a href="#top">x</a>', '<a>x</a>'],
    [
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" onclick="x()">ok</a>',
      '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">ok</a>'
    ],
    [
      '<details open ontoggle=alert(1)><summary>S</summary>body</details>',
      '<details open><summary>S</summary>body</details>'
    ],
    ['<svg onload=alert(1)><text>t</text></svg>after', 'after'],
    ['<math><mi xlink:href="javascript:alert(1)">x</mi></math>', ''],
    ['<style>body{display:none}</style>text', 'text'],
    ['<iframe src="https://evil.example"></iframe><object data=x></object><embed src=y>', ''],
    [
      '<div style="position:fixed;top:0" class="state s-success" id="run-1">x</div>',
      '<div>x</div>'
    ],
    ['<p title="</p><script>alert(1)</script>">t</p>', '<p>t</p>'],
    [
      '<abbr title="a &quot;quoted&quot; <b>">A</abbr>',
      '<abbr title="a &quot;quoted&quot; &lt;b&gt;">A</abbr>'
    ],
    ['<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', '&quot;&gt;'],
    ['<![CDATA[ ><noscript> ]]>x', ''],
    ['<!-- comment --><b>bold</b>', '<b>bold</b>'],
    [
      '<form action="https://x"><input type=text value=v><button formaction="javascript:1">b</button></form>',
      'b'
    ],
    ['<input type=checkbox checked onclick=x>', '<input type="checkbox" checked disabled>'],
    ['<meta http-equiv="refresh" content="0;url=javascript:alert(1)">x', 'x'],
    ['<base href="https://evil.example/">x', 'x'],
    ['<template><script>alert(1)</script></template>x', 'x'],
    ['<textarea><b>not markup</b></textarea>', ''],
    ['<custom-element onclick=x>kept text</custom-element>', 'kept text'],
    ['</div></details></pre></body>after', 'after'],
    ['<details><summary>unclosed', '<details><summary>unclosed</summary></details>'],
    [
      '<table><tr><td>a<td>b</table>',
      '<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>'
    ],
    [
      '<table><tr><td align="right" colspan="2" rowspan="x" style="color:red">a</td><th align="top" scope="col">h</th></tr></table>',
      '<table><tbody><tr><td align="right" colspan="2">a</td><th scope="col">h</th></tr></tbody></table>'
    ],
    ['<ol start="3" reversed><li>x</li></ol>', '<ol start="3"><li>x</li></ol>'],
    ['<pre>\n\nindented</pre>', '<pre>\n\nindented</pre>'],
    ['a < b && c > d', 'a &lt; b &amp;&amp; c &gt; d']
  ])('%j → %j', (input, expected) => {
    expect(sanitizeHtml(input)).toBe(expected)
  })

  it('keeps only the text of markup nested too deep', () => {
    const deep = '<div>'.repeat(100) + '<b onclick=x>deep</b>' + '</div>'.repeat(100)
    const out = sanitizeHtml(deep)
    expect(out).toContain('deep')
    expect(out).not.toContain('<b')
    expect(out).not.toContain('onclick')
    expect(out.match(/<div>/g)?.length).toBe(65)
    const scripts = '<div>'.repeat(70) + '<script>alert(1)</script>text' + '</div>'.repeat(70)
    expect(sanitizeHtml(scripts)).not.toContain('alert')
  })

  it('accepts only absolute http(s) links', () => {
    expect(safeHref('https://example.com/x y')).toBe('https://example.com/x%20y')
    expect(safeHref('http://example.com')).toBe('http://example.com/')
    expect(safeHref('javascript:alert(1)')).toBeUndefined()
    expect(safeHref('/relative')).toBeUndefined()
    expect(safeHref('not a url')).toBeUndefined()
  })
})

describe('renderSummary: GitHub-flavoured Markdown with inline HTML', () => {
  it('renders tables, task lists, emoji, code and strikethrough', () => {
    const html = renderSummary(
      [
        '## ✅ Healthy',
        '',
        '| Check | p95 |',
        '| :--- | ---: |',
        '| http | 84 ms |',
        '',
        '- [x] done',
        '- [ ] not yet',
        '',
        '`code` ~~old~~ **bold** _em_',
        '',
        '```',
        '<b>in a fence</b>',
        '```'
      ].join('\n')
    )
    expect(html).toContain('<h2>✅ Healthy</h2>')
    expect(html).toContain('<th align="left">Check</th>')
    expect(html).toContain('<td align="right">84 ms</td>')
    expect(html).toContain('<input checked type="checkbox" disabled> done')
    expect(html).toContain('<code>code</code> <del>old</del> <strong>bold</strong> <em>em</em>')
    expect(html).toContain('<pre><code>&lt;b&gt;in a fence&lt;/b&gt;\n</code></pre>')
  })

  it('keeps the HTML our actions write (tables, details with pre)', () => {
    const html = renderSummary(
      '<h2>Deploy</h2>\n\n<table>\n<tr><th>Service</th></tr>\n<tr><td>web</td></tr>\n</table>\n\n<details><summary>Events</summary>\n\n<pre>line 1\n\nline 3 &lt;b&gt;</pre>\n\n</details>\n'
    )
    expect(html).toContain('<h2>Deploy</h2>')
    expect(html).toContain(
      '<table>\n<tbody><tr><th>Service</th></tr>\n<tr><td>web</td></tr>\n</tbody></table>'
    )
    expect(html).toContain('<details><summary>Events</summary>')
    expect(html).toContain('<pre>line 1\n\nline 3 &lt;b&gt;</pre>')
  })

  it.each([
    ['[click](javascript:alert(1))', '<p><a>click</a></p>\n'],
    ['[x](data:text/html;base64,PHNjcmlwdD4=)', '<p><a>x</a></p>\n'],
    ['![img](javascript:alert(1))', '<p>img</p>\n'],
    ['<script>alert(1)</script>', ''],
    ['text <img src=x onerror=alert(1)> more', '<p>text  more</p>\n'],
    [
      '<https://example.com>',
      '<p><a href="https://example.com/" rel="noopener noreferrer nofollow">https://example.com</a></p>\n'
    ]
  ])('%j is inert', (markdown, expected) => {
    expect(renderSummary(markdown)).toBe(expected)
  })
})
