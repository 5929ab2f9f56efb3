import { afterEach, describe, expect, it } from 'vitest'
import { Executor, QueueFullError } from '../src/index.ts'
import { TaskQueue } from '../src/task-queue.ts'
import { occupy, reasonOf, tasks } from './helpers.ts'

let executor: Executor
afterEach(async () => {
  await executor?.close({ timeout: 1_000 })
})

describe('a bounded queue', () => {
  it('rejects at once with QueueFullError once maxQueue tasks wait, and accepts again after', async () => {
    executor = new Executor({ threads: 1, maxQueue: 3 })
    const worker = await occupy(executor)
    const second = executor.run(tasks.add, { a: 0, b: 0 })
    // it went straight to the worker's second batch slot: the queue is empty
    const waiting = [1, 2, 3].map((n) => executor.run(tasks.add, { a: n, b: 0 }))
    const rejected = executor.run(tasks.add, { a: 4, b: 0 })
    expect(rejected.state).toBe('rejected')
    const error = await reasonOf(rejected)
    expect(error).toBeInstanceOf(QueueFullError)
    expect(error.code).toBe('EXECUTOR_QUEUE_FULL')
    expect(error.maxQueue).toBe(3)
    expect(error.retryAfter).toBeGreaterThanOrEqual(1)
    await worker.release()
    await Promise.all([second, ...waiting])
    expect(await executor.run(tasks.add, { a: 5, b: 0 })).toBe(5)
  })
})

interface Item {
  queued: boolean
  priority: number
  name: string
}
const item = (name: string, priority = 0): Item => ({ queued: false, priority, name })
const names = (queue: TaskQueue<Item>) => queue.drain().map((i) => i.name)

describe('TaskQueue', () => {
  it('orders by priority, then by arrival', () => {
    const queue = new TaskQueue<Item>()
    for (const i of [item('a'), item('b', 2), item('c', -1), item('d', 2), item('e')]) queue.push(i)
    expect(names(queue)).toEqual(['b', 'd', 'a', 'e', 'c'])
  })

  it('skips removed entries and counts only live ones', () => {
    const queue = new TaskQueue<Item>()
    const b = item('b')
    for (const i of [item('a'), b, item('c')]) queue.push(i)
    queue.remove(b)
    expect(queue.size).toBe(2)
    expect(queue.peek()?.name).toBe('a')
    expect(names(queue)).toEqual(['a', 'c'])
  })

  it('puts entries back at the front of their priority in their order', () => {
    const queue = new TaskQueue<Item>()
    for (const i of [item('x'), item('y')]) queue.push(i)
    queue.shift()
    queue.unshift([item('p'), item('q')])
    expect(names(queue)).toEqual(['p', 'q', 'y'])
  })

  it('stays FIFO across compactions of a long run', () => {
    const queue = new TaskQueue<Item>()
    const out: string[] = []
    for (let i = 0; i < 5000; i++) {
      queue.push(item(String(i)))
      if (i % 3 === 0) out.push(queue.shift()!.name)
    }
    out.push(...names(queue))
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => String(i)))
  })
})
