import { describe, expect, it } from 'vitest'
import { EventStreamParser, type ParsedEvent, parseEventStream } from '../src/index.ts'

function parseChunks(chunks: readonly (string | Uint8Array)[]): { events: ParsedEvent[]; retries: number[] } {
  const events: ParsedEvent[] = []
  const retries: number[] = []
  const parser = new EventStreamParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) })
  for (const chunk of chunks) parser.feed(chunk)
  parser.end()
  return { events, retries }
}

describe('EventStreamParser', () => {
  // the examples of WHATWG HTML §9.2.6
  it('reads the spec example with a comment, an id and a multi-line event', () => {
    const stream = ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n'
    expect(parseEventStream(stream)).toEqual([
      { type: 'message', data: 'first event', lastEventId: '1' },
      { type: 'message', data: 'second event', lastEventId: '' },
      { type: 'message', data: ' third event', lastEventId: '' },
    ])
  })

  it('dispatches an empty data field and a bare "data" line, and nothing for a lone "data:" without blank line', () => {
    expect(parseEventStream('data\n\ndata\ndata\n\ndata:')).toEqual([
      { type: 'message', data: '', lastEventId: '' },
      { type: 'message', data: '\n', lastEventId: '' },
    ])
  })

  it('treats "data:test" and "data: test" alike', () => {
    expect(parseEventStream('data:test\n\ndata: test\n\n').map((e) => e.data)).toEqual(['test', 'test'])
  })

  it('accepts CRLF, CR and LF line endings, mixed', () => {
    expect(parseEventStream('event: a\r\ndata: 1\rdata: 2\n\r\n')).toEqual([
      { type: 'a', data: '1\n2', lastEventId: '' },
    ])
  })

  it('resets the event type after each dispatch and after a block without data', () => {
    expect(parseEventStream('event: a\n\ndata: x\n\nevent: b\ndata: y\n\ndata: z\n\n').map((e) => e.type)).toEqual([
      'message',
      'b',
      'message',
    ])
  })

  it('keeps the last event id across events and ignores an id holding NUL', () => {
    expect(parseEventStream('id: 5\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\n').map((e) => e.lastEventId)).toEqual([
      '5',
      '5',
      '5',
    ])
  })

  it('takes retry only when it is ASCII digits', () => {
    expect(
      parseChunks(['retry: 100\n', 'retry: 1e3\n', 'retry: -1\n', 'retry:\n', 'retry: 20 \n', 'retry: 7\n\n']).retries,
    ).toEqual([100, 7])
  })

  it('ignores unknown fields and lines without a known name', () => {
    expect(parseEventStream('foo: bar\nData: no\ndata: yes\n\n')).toEqual([
      { type: 'message', data: 'yes', lastEventId: '' },
    ])
  })

  it('drops an event still pending at the end of the stream', () => {
    expect(parseEventStream('data: done\n\ndata: cut off\n')).toHaveLength(1)
  })

  it('strips one leading BOM only, from bytes and from text', () => {
    const bom = [0xef, 0xbb, 0xbf]
    const bytes = Uint8Array.from([...bom, ...Buffer.from('data: a\n\n')])
    expect(parseEventStream(bytes)).toEqual([{ type: 'message', data: 'a', lastEventId: '' }])
    expect(parseEventStream('\uFEFFdata: a\n\n')).toHaveLength(1)
    // a second BOM is part of the first line's field name, so that line is ignored
    expect(parseEventStream('\uFEFF\uFEFFdata: a\n\n')).toHaveLength(0)
    // a BOM split over chunks is still the leading BOM
    expect(
      parseChunks([
        Uint8Array.from(bom.slice(0, 1)),
        Uint8Array.from([...bom.slice(1), 100, 97, 116, 97, 58, 120, 10, 10]),
      ]).events,
    ).toEqual([{ type: 'message', data: 'x', lastEventId: '' }])
  })

  it('yields the same events however the bytes are split into chunks', () => {
    const stream = Buffer.from(
      '\uFEFF: c\r\nevent: é€\r\ndata: 😀 a\r\rdata: b\r\n\r\nid: 9\ndata: c\n\nretry: 5\r\n\r',
    )
    const whole = parseChunks([stream])
    expect(whole.events).toHaveLength(3)
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j += 7) {
        const split = parseChunks([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)])
        expect(split, `split at ${i}/${j}`).toEqual(whole)
      }
    }
  })

  it('yields the same events when fed one byte at a time', () => {
    const stream = Buffer.from('data: 1\r\n\r\ndata: ü\r\r')
    expect(parseChunks([...stream].map((b) => Uint8Array.of(b))).events).toEqual(parseEventStream(stream))
  })

  it('starts from a given last event id, as a reconnecting client does', () => {
    const events: ParsedEvent[] = []
    const parser = new EventStreamParser({ onEvent: (e) => events.push(e) }, { lastEventId: '41' })
    parser.feed('data: x\n\n')
    expect(events[0]!.lastEventId).toBe('41')
    expect(parser.lastEventId).toBe('41')
  })
})
