import { describe, expect, it } from 'vitest'
import { Future, FutureNotReadyError } from '../src/index.ts'

describe('Future.ready', () => {
  it('runs a then continuation synchronously, before then() returns', () => {
    const log: string[] = []
    const next = Future.ready(1).then((v) => {
      log.push(`cont ${v}`)
      return v + 1
    })
    log.push('after then')
    expect(log).toEqual(['cont 1', 'after then'])
    expect(next.state).toBe('fulfilled')
    expect(next.get()).toBe(2)
  })
})
