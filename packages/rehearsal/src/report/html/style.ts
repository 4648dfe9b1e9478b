/** The report's only stylesheet, inline: the file opens the same anywhere, offline. */
export const STYLE = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa;
  --success: #1a7f37; --failure: #cf222e; --cancelled: #8250df; --skipped: #6e7781;
  --waiting: #9a6700; --running: #0969da; --queued: #6e7781; --orange: #bc4c00;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif;
  color: var(--fg); background: var(--bg); }
main, header.page { max-width: 1180px; margin: 0 auto; padding: 16px 24px; }
header.page { border-bottom: 1px solid var(--line); }
h1 { font-size: 24px; margin: 8px 0; }
h2 { font-size: 20px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 16px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
a { color: var(--running); }
.muted { color: var(--muted); }
.verdict { font-size: 18px; font-weight: 600; }
.state { font-weight: 600; white-space: nowrap; }
.s-success { color: var(--success); } .s-failure { color: var(--failure); }
.s-cancelled { color: var(--cancelled); } .s-skipped { color: var(--skipped); }
.s-waiting { color: var(--waiting); } .s-running { color: var(--running); } .s-queued { color: var(--queued); }
.env { display: inline-block; padding: 0 8px; border-radius: 10px; background: #ddf4ff; color: #0a3069;
  font-size: 12px; white-space: nowrap; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
table.overview td.note, table.steps td.notes { max-width: 480px; }
ul.runs { list-style: none; padding: 0; margin: 8px 0; }
ul.runs li { margin: 2px 0; }
details.job { border: 1px solid var(--line); border-left: 4px solid var(--queued); border-radius: 6px;
  margin: 8px 0; background: var(--bg); }
details.job.job-success { border-left-color: var(--success); } details.job.job-failure { border-left-color: var(--failure); }
details.job.job-cancelled { border-left-color: var(--cancelled); } details.job.job-skipped { border-left-color: var(--skipped); }
details.job.job-waiting { border-left-color: var(--waiting); } details.job.job-running { border-left-color: var(--running); }
details.job.depth-1 { margin-left: 24px; } details.job.depth-2 { margin-left: 48px; }
details.job.depth-3, details.job.depth-4 { margin-left: 72px; }
details.job > summary { padding: 8px 12px; cursor: pointer; color: var(--fg); }
details.job > summary .key { font-weight: 600; }
details.job > summary .note { color: var(--muted); margin-left: 8px; }
.job-body { padding: 4px 16px 12px; border-top: 1px solid var(--line); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; }
ul.annotations { margin: 4px 0 0; padding-left: 18px; }
.ann-error, .p-error { color: var(--failure); } .ann-warning, .p-warning { color: var(--waiting); }
.ann-notice { color: var(--running); }
section.summary { border: 1px solid var(--line); border-radius: 6px; margin: 12px 0; }
section.summary > h4 { margin: 0; padding: 6px 12px; background: var(--soft); border-bottom: 1px solid var(--line);
  font-size: 13px; font-weight: 600; color: var(--muted); }
.markdown { padding: 4px 16px 8px; overflow-x: auto; }
.markdown pre { background: var(--soft); padding: 8px; overflow-x: auto; }
.markdown details { margin: 6px 0; } .markdown summary { cursor: pointer; }
details.log { margin: 6px 0; } details.log > summary { cursor: pointer; color: var(--muted); }
details.log pre { background: #0d1117; color: #e6edf3; padding: 10px; border-radius: 6px; overflow: auto;
  max-height: 480px; white-space: pre; }
pre .log-error { color: #ff7b72; } pre .log-warning { color: #d29922; } pre .log-notice { color: #79c0ff; }
pre .log-command { color: #8b949e; }
ul.problems, ul.stand-ins { padding-left: 20px; }
.timeline svg { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.timeline .lane-alt { fill: var(--soft); } .timeline .lane-label { font: 600 13px sans-serif; fill: var(--fg); }
.timeline .axis { stroke: var(--line); } .timeline .tick { font: 11px sans-serif; fill: var(--muted); }
.timeline .label { font: 11px sans-serif; fill: var(--fg); }
.timeline .stem { stroke: #afb8c1; stroke-width: 1; }
.timeline .approval-span { stroke: #bf8700; stroke-width: 2; stroke-dasharray: 4 3; }
.timeline .timer-bar { fill: #eaeef2; stroke: #8c959f; }
.ev-deployed { fill: #0969da; } .ev-verified { fill: #1a7f37; } .ev-deployment-failed { fill: #cf222e; }
.ev-rolled-back { fill: #bc4c00; } .ev-wait-timer { fill: #8c959f; }
.ev-approval-requested { fill: #fff; stroke: #bf8700; stroke-width: 2.5; }
.ev-approved { fill: #fff; stroke: #1a7f37; stroke-width: 2.5; }
.ev-rejected { fill: #fff; stroke: #cf222e; stroke-width: 2.5; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; color: var(--muted); font-size: 12px; }
ul.legend svg { width: 12px; height: 12px; border: 0; vertical-align: -1px; }
`
