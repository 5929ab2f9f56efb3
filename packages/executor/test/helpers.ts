// Shared helpers: the task modules as tasks, and shared-memory flags that let a test know exactly when a
// task has started in its worker, or decide exactly when it finishes. No sleeps, no timing.
import { defineTasks, type Executor } from '../src/index.ts'

export const tasks = defineTasks<typeof import('./fixtures/tasks.ts')>(new URL('./fixtures/tasks.ts', import.meta.url))
export const failing = defineTasks<typeof import('./fixtures/errors.ts')>(
  new URL('./fixtures/errors.ts', import.meta.url),
)

/** `size` flags in shared memory, all 0. */
export function flags(size = 4): Int32Array {
  return new Int32Array(new SharedArrayBuffer(size * Int32Array.BYTES_PER_ELEMENT))
}

/** Resolves once a worker set `flag[index]` (the task started). */
export async function started(flag: Int32Array, index = 0): Promise<void> {
  while (Atomics.load(flag, index) === 0) {
    const waiting = Atomics.waitAsync(flag, index, 0)
    if (waiting.async) await waiting.value
  }
}

/** Lets a task blocked in `waitForGate` finish. */
export function open(gate: Int32Array): void {
  Atomics.store(gate, 0, 1)
  Atomics.notify(gate, 0)
}

/** The rejection reason of a thenable that must reject. */
export async function reasonOf(work: PromiseLike<unknown>): Promise<any> {
  try {
    await work
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** Occupies a worker with a task that runs until `release()`; resolves once the task is running. */
export async function occupy(executor: Executor): Promise<{ release(): Promise<string> }> {
  const gate = flags(1)
  const begun = flags(1)
  const blocker = executor.run(tasks.waitForGate, { gate, started: begun })
  await started(begun)
  return {
    release: () => {
      open(gate)
      return blocker.toPromise()
    },
  }
}
