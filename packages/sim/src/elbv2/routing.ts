import type { ActionRecord, ConditionRecord, RuleRecord, TargetGroupWeight } from './model.js'

/**
 * How a listener picks where a request goes: rules by ascending priority, then the default
 * action; within a forward action, target groups by weight (smooth weighted round-robin, so
 * 80/20 is exact over any 5 consecutive requests).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 */

function wildcard(pattern: string, flags: string): RegExp {
  const source = pattern
    .split('')
    .map(ch => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`, flags)
}

/** Path patterns are case-sensitive; host names are not (ALB rule condition types). */
export function conditionMatches(
  condition: ConditionRecord,
  request: { path: string; host: string }
): boolean {
  if (condition.field === 'path-pattern') {
    return condition.values.some(v => wildcard(v, '').test(request.path))
  }
  const host = request.host.replace(/:\d+$/, '')
  return condition.values.some(v => wildcard(v, 'i').test(host))
}

export function selectActions(
  rules: RuleRecord[],
  defaultActions: ActionRecord[],
  request: { path: string; host: string }
): ActionRecord[] {
  const sorted = [...rules].sort((a, b) => a.priority - b.priority)
  const rule = sorted.find(r => r.conditions.every(c => conditionMatches(c, request)))
  return rule?.actions ?? defaultActions
}

/** Smooth weighted round-robin (as nginx does): deterministic and proportional. */
export class WeightedPicker {
  private readonly current = new Map<string, number>()

  pick(groups: TargetGroupWeight[]): string | undefined {
    const total = groups.reduce((sum, g) => sum + Math.max(0, g.weight), 0)
    if (total <= 0) return undefined
    let best: TargetGroupWeight | undefined
    let bestScore = -Infinity
    for (const g of groups) {
      const score = (this.current.get(g.targetGroupArn) ?? 0) + Math.max(0, g.weight)
      this.current.set(g.targetGroupArn, score)
      if (g.weight > 0 && score > bestScore) {
        best = g
        bestScore = score
      }
    }
    const chosen = best as TargetGroupWeight
    this.current.set(chosen.targetGroupArn, bestScore - total)
    return chosen.targetGroupArn
  }
}

/** Round-robin over a changing list of members. */
export class RoundRobin {
  private next = 0

  pick<T>(members: T[]): T | undefined {
    if (members.length === 0) return undefined
    const chosen = members[this.next % members.length]
    this.next = (this.next + 1) % 1_000_000
    return chosen
  }
}
