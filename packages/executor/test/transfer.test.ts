import { afterAll, describe, expect, it } from 'vitest'
import { Executor } from '../src/index.ts'
import { tasks } from './helpers.ts'

const executor = new Executor({ threads: 1 })
afterAll(async () => {
  await executor.close()
})

describe('transfer', () => {
  it('moves input buffers listed in transfer instead of copying them', async () => {
    const bytes = new Uint8Array(1024).fill(1)
    const sum = executor.run(tasks.sum, bytes, { transfer: [bytes.buffer] })
    expect(await sum).toBe(1024)
    expect(bytes.buffer.byteLength).toBe(0) // detached: it moved
  })

  it('copies input buffers that are not listed', async () => {
    const bytes = new Uint8Array(16).fill(2)
    expect(await executor.run(tasks.sum, bytes)).toBe(32)
    expect(bytes.byteLength).toBe(16)
  })

  it('moves result buffers a task wraps in transferResult, handing the caller the bare value', async () => {
    const bytes = await executor.run(tasks.moveBack, 64)
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(bytes.length).toBe(64)
    expect(bytes[63]).toBe(7)
  })

  it('clones typed arrays returned without transferResult', async () => {
    const bytes = await executor.run(tasks.fill, { size: 8, value: 3 })
    expect([...bytes]).toEqual([3, 3, 3, 3, 3, 3, 3, 3])
  })
})
