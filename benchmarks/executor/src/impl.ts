// One adapter per pool behind one interface: run the trivial `add` task, close the pool.
import { fileURLToPath } from 'node:url'
import { defineTasks, Executor } from '@fasterapi/executor'
import { Piscina } from 'piscina'
import { Tinypool } from 'tinypool'

export interface PoolAdapter {
  name: string
  add(input: { a: number; b: number }): PromiseLike<number>
  close(): Promise<void>
}

export const TASKS_URL = new URL('./tasks.ts', import.meta.url)
export const tasks = defineTasks<typeof import('./tasks.ts')>(TASKS_URL)
const filename = fileURLToPath(TASKS_URL)

/** Enough queue room for the throughput runs (1,000 tasks in flight). */
export const IN_FLIGHT = 1_000

export function createAdapters(): PoolAdapter[] {
  const executor = new Executor({ maxQueue: IN_FLIGHT * 2 })
  const executorNice10 = new Executor({ niceIncrement: 10, maxQueue: IN_FLIGHT * 2 })
  const executor2 = new Executor({ threads: 2, maxQueue: IN_FLIGHT * 2 })
  const piscina = new Piscina({ filename, name: 'add' })
  const piscina2 = new Piscina({ filename, name: 'add', minThreads: 2, maxThreads: 2 })
  const tinypool = new Tinypool({ filename: TASKS_URL.href, name: 'add' })
  return [
    {
      name: `@fasterapi/executor (default: ${executor.threads} thread${executor.threads === 1 ? '' : 's'})`,
      add: (input) => executor.run(tasks.add, input),
      close: () => executor.close().toPromise(),
    },
    {
      name: `@fasterapi/executor (${executorNice10.threads} thread${executorNice10.threads === 1 ? '' : 's'}, niceIncrement: 10)`,
      add: (input) => executorNice10.run(tasks.add, input),
      close: () => executorNice10.close().toPromise(),
    },
    {
      name: '@fasterapi/executor (2 threads)',
      add: (input) => executor2.run(tasks.add, input),
      close: () => executor2.close().toPromise(),
    },
    {
      name: `piscina (defaults: ${piscina.options.maxThreads} threads max)`,
      add: (input) => piscina.run(input),
      close: () => piscina.destroy(),
    },
    { name: 'piscina (2 threads)', add: (input) => piscina2.run(input), close: () => piscina2.destroy() },
    {
      name: `tinypool (defaults: ${tinypool.options.maxThreads} threads max)`,
      add: (input) => tinypool.run(input),
      close: () => tinypool.destroy(),
    },
  ]
}
