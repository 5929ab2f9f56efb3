import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  EncodedEvent,
  encodeComment,
  encodeEvent,
  encodeRetry,
  InvalidArgumentError,
  InvalidFieldError,
  parseEventStream,
} from '../src/index.ts'

describe('encodeEvent', () => {
  it('writes event, data, id and retry lines, then the blank line that dispatches', () => {
    expect(encodeEvent({ event: 'tick', data: 'hello', id: '7', retry: 1000 })).toBe(
      'event: tick\ndata: hello\nid: 7\nretry: 1000\n\n',
    )
  })

  it('splits data on CRLF, CR and LF into one data line each', () => {
    expect(encodeEvent({ data: 'a\r\nb\rc\nd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n')
  })

  it('keeps a trailing line break as an empty last data line', () => {
    expect(encodeEvent({ data: 'a\n' })).toBe('data: a\ndata: \n\n')
    expect(parseEventStream(encodeEvent({ data: 'a\n' }))[0]!.data).toBe('a\n')
  })

  it('keeps a leading space of data, which a parser would strip without the separator space', () => {
    expect(parseEventStream(encodeEvent({ data: ' x' }))[0]!.data).toBe(' x')
  })

  it('serialises json data once, on one line, even when strings inside hold line breaks', () => {
    expect(encodeEvent({ json: { text: 'a\nb\r' } })).toBe('data: {"text":"a\\nb\\r"}\n\n')
  })

  it('writes an empty data line for empty data, which still dispatches an event', () => {
    expect(encodeEvent({ data: '' })).toBe('data: \n\n')
    expect(parseEventStream(encodeEvent({ data: '' }))).toEqual([{ type: 'message', data: '', lastEventId: '' }])
  })

  it('writes comments first, one colon line per line', () => {
    expect(encodeEvent({ comment: 'a\nb', data: 'x' })).toBe(':a\n:b\ndata: x\n\n')
    expect(encodeComment()).toBe(':\n\n')
  })

  it.each([
    ['event', { event: 'a\nevent: b' }],
    ['event', { event: 'a\r' }],
    ['id', { id: '1\ndata: injected' }],
    ['id', { id: '1\r2' }],
    ['id', { id: 'a\0b' }],
  ])('rejects a %s value that would break the framing, with SSE_INVALID_FIELD', (field, event) => {
    const error = (() => {
      try {
        encodeEvent(event)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(InvalidFieldError)
    expect(error).toMatchObject({ code: 'SSE_INVALID_FIELD', field })
  })

  it('checks every new event type, also right after a valid one was accepted', () => {
    expect(encodeEvent({ event: 'ok', data: 'x' })).toBe('event: ok\ndata: x\n\n')
    expect(() => encodeEvent({ event: 'ok\r\nid: 1', data: 'x' })).toThrow(InvalidFieldError)
    expect(encodeEvent({ event: 'ok', data: 'y' })).toBe('event: ok\ndata: y\n\n')
  })

  it('accepts NUL in an event type, where the spec does not forbid it', () => {
    expect(encodeEvent({ event: 'a\0b', data: 'x' })).toBe('event: a\0b\ndata: x\n\n')
  })

  it.each([-1, 1.5, Number.NaN])('rejects retry %s, which clients would ignore', (retry) => {
    expect(() => encodeEvent({ retry })).toThrow(InvalidArgumentError)
    expect(() => encodeRetry(retry)).toThrow(InvalidArgumentError)
  })

  it('rejects json that has no JSON text', () => {
    expect(() => encodeEvent({ json: undefined })).toThrow(InvalidArgumentError)
  })

  it('round-trips any valid event through the spec parser', () => {
    const line = fc.string({ unit: 'grapheme' }).filter((s) => !/[\r\n\0]/.test(s))
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), line, line, (data, event, id) => {
        const [parsed] = parseEventStream(encodeEvent({ data, event, id }))
        expect(parsed).toEqual({
          type: event === '' ? 'message' : event,
          data: data.replace(/\r\n?/g, '\n'),
          lastEventId: id,
        })
      }),
    )
  })
})

describe('EncodedEvent', () => {
  it('holds the encoded bytes once, with the data text the client will see', () => {
    const e = new EncodedEvent({ event: 'e', json: [1, 2], id: '3' })
    expect(e.bytes.toString()).toBe('event: e\ndata: [1,2]\nid: 3\n\n')
    expect(e).toMatchObject({ id: '3', event: 'e', data: '[1,2]' })
  })
})
