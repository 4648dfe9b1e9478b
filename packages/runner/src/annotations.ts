import * as core from '@actions/core'

export type AnnotationLevel = 'error' | 'warning' | 'notice'

export interface AnnotationProps {
  title?: string
  /** Repository-relative path the annotation points at. */
  file?: string
  /** 1-based. */
  startLine?: number
}

export interface Annotation {
  level: AnnotationLevel
  message: string
  props: AnnotationProps
}

/** GitHub shows this many annotations per level per step and silently drops the rest. */
export const MAX_ANNOTATIONS_PER_LEVEL = 10
/** The runner truncates annotation messages to this many characters. */
export const MAX_ANNOTATION_LENGTH = 4096
const MAX_AGGREGATED_LINE = 200

const NOUNS: Record<AnnotationLevel, string> = {
  error: 'errors',
  warning: 'warnings',
  notice: 'notices'
}

const LEVELS: readonly AnnotationLevel[] = ['error', 'warning', 'notice']

export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function firstLine(message: string): string {
  return truncateText(message.split(/\r?\n/, 1)[0] as string, MAX_AGGREGATED_LINE)
}

/**
 * Collects annotations and emits them on flush() within GitHub's limits: at most 10 per level,
 * the 10th summing up the rest when there are more, so none disappears without a trace.
 */
export class Annotations {
  private pending: Annotation[] = []

  error(message: string, props: AnnotationProps = {}): void {
    this.pending.push({ level: 'error', message, props })
  }

  warning(message: string, props: AnnotationProps = {}): void {
    this.pending.push({ level: 'warning', message, props })
  }

  notice(message: string, props: AnnotationProps = {}): void {
    this.pending.push({ level: 'notice', message, props })
  }

  /** Collected and not yet flushed. */
  get size(): number {
    return this.pending.length
  }

  /** What flush() would emit, in order; exposed so callers can also render them elsewhere. */
  planned(): Annotation[] {
    return LEVELS.flatMap(level =>
      limitLevel(
        level,
        this.pending.filter(a => a.level === level)
      )
    )
  }

  /** Emits the planned annotations and forgets them. */
  flush(): void {
    const annotations = this.planned()
    this.pending = []
    for (const { level, message, props } of annotations) {
      // core writes `::warning ::` when given a properties object of undefined values.
      const properties: core.AnnotationProperties = {}
      if (props.title !== undefined) properties.title = props.title
      if (props.file !== undefined) properties.file = props.file
      if (props.startLine !== undefined) properties.startLine = props.startLine
      if (level === 'error') core.error(message, properties)
      else if (level === 'warning') core.warning(message, properties)
      else core.notice(message, properties)
    }
  }
}

function limitLevel(level: AnnotationLevel, annotations: Annotation[]): Annotation[] {
  const limited = annotations.map(a => ({
    ...a,
    message: truncateText(a.message, MAX_ANNOTATION_LENGTH)
  }))
  if (limited.length <= MAX_ANNOTATIONS_PER_LEVEL) return limited
  const shown = limited.slice(0, MAX_ANNOTATIONS_PER_LEVEL - 1)
  const rest = limited.slice(MAX_ANNOTATIONS_PER_LEVEL - 1)
  const noun = NOUNS[level]
  const lines = rest.map(a => `- ${firstLine(a.message)}`).join('\n')
  const summary: Annotation = {
    level,
    message: truncateText(`… and ${rest.length} more ${noun}:\n${lines}`, MAX_ANNOTATION_LENGTH),
    props: { title: `${rest.length} more ${noun}` }
  }
  return [...shown, summary]
}
