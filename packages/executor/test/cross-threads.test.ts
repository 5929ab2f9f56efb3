import { describe, expect, it } from 'vitest'
import { assertCanCrossThreads, canCrossThreads, findNotCloneable, NotCloneableError } from '../src/index.ts'

class Pool {
  query() {}
}

describe('findNotCloneable', () => {
  it('accepts plain data and cloneable built-ins', () => {
    const value = {
      n: 1,
      s: 'x',
      big: 1n,
      nested: [{ date: new Date(), re: /a/g }],
      map: new Map([['k', new Set([1])]]),
      bytes: new Uint8Array(4),
      error: new TypeError('t'),
      nothing: null,
      missing: undefined,
    }
    expect(findNotCloneable(value)).toBeUndefined()
    expect(canCrossThreads(value)).toBe(true)
  })

  it('names the path of a function', () => {
    expect(findNotCloneable({ deps: { log: function log() {} } }, 'input')).toEqual({
      path: 'input.deps.log',
      reason: 'a function (log)',
    })
  })

  it('flags a class instance that would lose its methods', () => {
    const found = findNotCloneable({ db: new Pool() }, 'deps')
    expect(found?.path).toBe('deps.db')
    expect(found?.reason).toContain('instance of Pool')
  })

  it('flags values structured clone refuses: symbols, promises, weak maps', () => {
    expect(findNotCloneable([1, Symbol('s')])?.path).toBe('value[1]')
    expect(findNotCloneable({ p: Promise.resolve() })?.reason).toContain('Promise')
    expect(findNotCloneable({ w: new WeakMap() })?.reason).toContain('WeakMap')
  })

  it('looks inside maps and sets, and copes with cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    expect(findNotCloneable(cyclic)).toBeUndefined()
    expect(findNotCloneable(new Map([['k', () => 1]]))?.path).toBe('value.get(k)')
    expect(findNotCloneable(new Set([() => 1]))?.path).toBe('value<entry>')
  })

  it('throws NotCloneableError with the path from assertCanCrossThreads', () => {
    expect(() => assertCanCrossThreads({ ok: 1 })).not.toThrow()
    try {
      assertCanCrossThreads({ handler: () => 1 }, 'route.deps')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(NotCloneableError)
      expect((error as NotCloneableError).code).toBe('EXECUTOR_NOT_CLONEABLE')
      expect((error as NotCloneableError).path).toBe('route.deps.handler')
    }
  })
})
