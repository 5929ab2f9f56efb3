import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { defaultPoolSize } from '../src/index.ts'

describe('defaultPoolSize', () => {
  it("keeps one core for the process's event loop", () => {
    expect(defaultPoolSize({ cores: 8 })).toBe(7)
    expect(defaultPoolSize({ cores: 2 })).toBe(1)
  })

  it('splits the cores between server processes', () => {
    expect(defaultPoolSize({ cores: 16, processes: 4 })).toBe(3)
    expect(defaultPoolSize({ cores: 8, processes: 4 })).toBe(1)
  })

  it('takes the process count from FASTERAPI_PROCESSES, which listen({ workers }) sets in each worker', () => {
    const before = process.env.FASTERAPI_PROCESSES
    process.env.FASTERAPI_PROCESSES = '4'
    try {
      expect(defaultPoolSize({ cores: 16 })).toBe(3)
      expect(defaultPoolSize({ cores: 16, processes: 2 })).toBe(7)
    } finally {
      if (before === undefined) delete process.env.FASTERAPI_PROCESSES
      else process.env.FASTERAPI_PROCESSES = before
    }
  })

  it('never goes below one thread', () => {
    expect(defaultPoolSize({ cores: 1 })).toBe(1)
    expect(defaultPoolSize({ cores: 4, processes: 8 })).toBe(1)
  })

  it("defaults to this machine's cores", () => {
    expect(defaultPoolSize()).toBe(Math.max(1, availableParallelism() - 1))
  })
})
