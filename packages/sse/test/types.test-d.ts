import { describe, expectTypeOf, it } from 'vitest'
import {
  type Channel,
  fetchJsonEventStream,
  type JsonEvent,
  type ParsedEvent,
  type SseEvent,
  type SseSession,
} from '../src/index.ts'

describe('SseEvent', () => {
  it('takes text data or a json value, not both', () => {
    expectTypeOf({ data: 'x' }).toExtend<SseEvent>()
    expectTypeOf({ json: { a: 1 }, event: 'e', id: '1', retry: 10 }).toExtend<SseEvent>()
    expectTypeOf({ comment: 'only a comment' }).toExtend<SseEvent>()
    expectTypeOf({ data: 'x', json: 1 }).not.toExtend<SseEvent>()
    expectTypeOf({ data: 1 }).not.toExtend<SseEvent>()
  })
})

describe('JsonEvent', () => {
  it('narrows data by event type', () => {
    type E = JsonEvent<{ tick: { n: number }; done: null }>
    expectTypeOf<Extract<E, { type: 'tick' }>['data']>().toEqualTypeOf<{ n: number }>()
    expectTypeOf<E['type']>().toEqualTypeOf<'tick' | 'done'>()
    expectTypeOf(fetchJsonEventStream<{ a: string }>('http://x')).toEqualTypeOf<
      AsyncGenerator<JsonEvent<{ a: string }>, void, undefined>
    >()
  })
})

describe('sessions and channels', () => {
  it('answer with Futures of what happened', () => {
    expectTypeOf<SseSession['send']>().returns.resolves.toEqualTypeOf<boolean>()
    expectTypeOf<Channel['publish']>().returns.resolves.toEqualTypeOf<string>()
    expectTypeOf<ParsedEvent>().toEqualTypeOf<{
      readonly type: string
      readonly data: string
      readonly lastEventId: string
    }>()
  })
})
