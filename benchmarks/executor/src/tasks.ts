// The work the benchmarks send to worker threads, loaded as is by every pool (Node strips the types).
import { threadId } from 'node:worker_threads'

/** The trivial task: dispatch cost is all there is to measure. */
export function add({ a, b }: { a: number; b: number }): number {
  return a + b
}

/** CPU-bound for `ms` milliseconds, like a hashing or report handler; answers which thread did the work. */
export function work(ms: number): number {
  const end = performance.now() + ms
  let spins = 0
  while (performance.now() < end) spins++
  return spins >= 0 ? threadId : -1
}
