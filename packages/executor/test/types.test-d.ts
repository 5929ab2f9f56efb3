import type { Future } from '@fasterapi/futures'
import { describe, expectTypeOf, it } from 'vitest'
import { defineTask, defineTasks, type Executor, type Task } from '../src/index.ts'

const tasks = defineTasks<typeof import('./fixtures/tasks.ts')>(new URL('./fixtures/tasks.ts', import.meta.url))
declare const executor: Executor

describe('task types', () => {
  it('take input and output from the exported function', () => {
    expectTypeOf(tasks.add).toEqualTypeOf<Task<{ a: number; b: number }, number>>()
    expectTypeOf(executor.run(tasks.add, { a: 1, b: 2 })).toEqualTypeOf<Future<number>>()
  })

  it('unwrap promises and transferResult', () => {
    expectTypeOf(executor.run(tasks.later, 'x')).toEqualTypeOf<Future<string>>()
    expectTypeOf(executor.run(tasks.moveBack, 1)).toEqualTypeOf<Future<Uint8Array<ArrayBuffer>>>()
  })

  it('take undefined as the input of a function without parameters', () => {
    expectTypeOf(tasks.whichThread).toEqualTypeOf<Task<undefined, number>>()
  })

  it('reject a wrong input and an export that does not exist', () => {
    // @ts-expect-error: b must be a number
    executor.run(tasks.add, { a: 1, b: '2' })
    // @ts-expect-error: no such export
    tasks.nope
  })

  it('type defineTask from the function type', () => {
    const add = defineTask<typeof import('./fixtures/tasks.ts')['add']>('/abs/tasks.ts', 'add')
    expectTypeOf(add).toEqualTypeOf<Task<{ a: number; b: number }, number>>()
  })
})
