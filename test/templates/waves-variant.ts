/**
 * production.yml's commented waves variant, applied as its comment says: the input between the
 * `waves input` markers goes under on.workflow_dispatch.inputs, the jobs between the `waves jobs`
 * markers replace the `deploy` job, and the summary needs them. Returns the workflow's text, its
 * comments (the actions' version pins) kept.
 */
import { isMap, parseDocument, type Pair } from 'yaml'

/** The lines between `# >>> name` and `# <<< name`, uncommented (the leading `# ` removed). */
export function commentedBlock(text: string, name: string): string {
  const found = new RegExp(`^# >>> ${name}\\n([\\s\\S]*?)^# <<< ${name}$`, 'm').exec(text)
  if (found === null) throw new Error(`no '${name}' block`)
  return (found[1] ?? '')
    .split('\n')
    .map(line => line.replace(/^# ?/, ''))
    .join('\n')
}

export function wavesVariant(text: string): string {
  const workflow = parseDocument(text)
  const input = parseDocument(commentedBlock(text, 'waves input'))
  const waves = parseDocument(commentedBlock(text, 'waves jobs'))
  const inputs = workflow.getIn(['on', 'workflow_dispatch', 'inputs'], true)
  const jobs = workflow.get('jobs', true)
  if (!isMap(inputs) || !isMap(jobs) || !isMap(input.contents) || !isMap(waves.contents)) {
    throw new Error('production.yml or its waves variant is not shaped as expected')
  }
  inputs.items.push(...(input.contents.items as Pair[]))
  const index = jobs.items.findIndex(pair => String(pair.key) === 'deploy')
  if (index === -1) throw new Error("production.yml has no 'deploy' job to replace")
  jobs.items.splice(index, 1, ...(waves.contents.items as Pair[]))
  workflow.setIn(
    ['jobs', 'summary', 'needs'],
    workflow.createNode(['gate', 'waves', 'wave-1', 'wave-2', 'rollback-wave-1'], { flow: true })
  )
  return workflow.toString({ lineWidth: 0 })
}
