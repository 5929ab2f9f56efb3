import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Executor } from '../src/index.ts'
import { reviveError, serializeError } from '../src/serialize-error.ts'
import { HttpError } from './fixtures/errors.ts'
import { failing, reasonOf, tasks } from './helpers.ts'

let executor: Executor
beforeAll(() => {
  executor = new Executor({ threads: 1, errorClasses: [HttpError] })
})
afterAll(async () => {
  await executor.close()
})

describe('errors thrown in a worker', () => {
  it('arrive with class, message, stack, cause and custom fields', async () => {
    const error = await reasonOf(executor.run(failing.throwHttp, 418))
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('HttpError')
    expect(error.message).toBe('failed with 418')
    expect(error.status).toBe(418)
    expect(error.expose).toBe(true)
    expect(error.stack).toContain('throwHttp')
    expect(error.stack).toContain('fixtures/errors.ts')
    expect(error.cause).toBeInstanceOf(RangeError)
    expect(error.cause.message).toBe('inner problem')
  })

  it('keep the class name of an unregistered class whose name was never set', async () => {
    const error = await reasonOf(executor.run(failing.throwUnnamed, undefined))
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('UnnamedError')
    expect(error.retry).toBe(3)
    expect(error.message).toBe('no name set')
  })

  it('revive built-in error classes from async tasks', async () => {
    const error = await reasonOf(executor.run(failing.rejectAsync, undefined))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe('async type error')
  })

  it('pass thrown non-errors as they are', async () => {
    expect(await reasonOf(executor.run(failing.throwString, undefined))).toBe('plain string')
  })

  it('drop fields that cannot be cloned and keep the others', async () => {
    const error = await reasonOf(executor.run(failing.throwWithFunctionField, undefined))
    expect(error.code).toBe('E_CALLBACK')
    expect(error).not.toHaveProperty('callback')
  })

  it('fail only the task whose result cannot be cloned; the worker keeps serving', async () => {
    const error = await reasonOf(executor.run(tasks.returnsFunction, undefined))
    expect(error.name).toBe('DataCloneError')
    expect(await executor.run(tasks.add, { a: 1, b: 1 })).toBe(2)
  })

  it('fail only the task whose input cannot be cloned, even when batched with others', async () => {
    await executor.run(tasks.add, { a: 0, b: 0 }) // the add task has a known run time: it batches
    const runs = Array.from({ length: 6 }, (_, i) =>
      executor.run(tasks.add, i === 3 ? ({ a: () => 1, b: 1 } as never) : { a: i, b: 1 }),
    )
    const settled = await Promise.allSettled(runs)
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ])
    expect((settled[3] as PromiseRejectedResult).reason.name).toBe('DataCloneError')
  })
})

describe('serializeError / reviveError', () => {
  it('round-trips aggregate errors with their inner errors', () => {
    const revived = reviveError(
      structuredClone(serializeError(new AggregateError([new TypeError('a'), new RangeError('b')], 'both'))),
      new Map(),
    ) as AggregateError
    expect(revived).toBeInstanceOf(AggregateError)
    expect(revived.errors.map((e: Error) => e.constructor.name)).toEqual(['TypeError', 'RangeError'])
  })

  it('cuts cause chains that loop', () => {
    const a = new Error('a') as Error & { cause: unknown }
    a.cause = a
    const revived = reviveError(structuredClone(serializeError(a)), new Map()) as Error
    let depth = 0
    for (let e: unknown = revived; e instanceof Error; e = e.cause) depth++
    expect(depth).toBeLessThan(20)
  })
})
