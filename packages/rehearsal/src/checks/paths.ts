import type { Expr } from '@actions/expressions'
import {
  Binary,
  ContextAccess,
  FunctionCall,
  Grouping,
  IndexAccess,
  Literal,
  Logical,
  Unary
} from '@actions/expressions/ast'

/**
 * The context paths an expression reads with literal keys: `needs.build.outputs.image` →
 * ['needs', 'build', 'outputs', 'image']. A path cut by a computed index ends before it.
 */
export function contextPaths(expr: Expr | undefined, found: string[][] = []): string[][] {
  const path: string[] = []
  let node = expr
  while (node instanceof IndexAccess && node.index instanceof Literal) {
    path.unshift(node.index.literal.coerceString())
    node = node.expr
  }
  if (node instanceof ContextAccess) found.push([node.name.lexeme, ...path])
  else if (node instanceof IndexAccess) [node.expr, node.index].forEach(e => contextPaths(e, found))
  else if (node instanceof FunctionCall || node instanceof Logical) {
    node.args.forEach(e => contextPaths(e, found))
  } else if (node instanceof Binary) [node.left, node.right].forEach(e => contextPaths(e, found))
  else if (node instanceof Unary) contextPaths(node.expr, found)
  else if (node instanceof Grouping) contextPaths(node.group, found)
  return found
}
