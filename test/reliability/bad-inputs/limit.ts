/**
 * At most `slots` of the given tasks run at once; the rest start, in order, as others end.
 * The corpus runs bundles as child processes: a few at a time keep a 2-core machine busy
 * without making every run slow.
 */
export function limit(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  // A slot that frees is handed to the next task waiting, so no other task can take it first.
  const release = () => {
    const next = waiting.shift()
    if (next === undefined) running--
    else next()
  }
  return async task => {
    if (running < slots) running++
    else await new Promise<void>(resolve => waiting.push(resolve))
    try {
      return await task()
    } finally {
      release()
    }
  }
}
