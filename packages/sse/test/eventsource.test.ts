// The `eventsource` npm client (WHATWG-compliant EventSource for Node): named events, ids, and a
// reconnect that sends Last-Event-ID and gets the missed events replayed from the channel's history.
import { EventSource } from 'eventsource'
import { afterEach, describe, expect, it } from 'vitest'
import { Channel } from '../src/index.ts'
import { startSessionServer, type TestServer, until } from './helpers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

interface Seen {
  readonly type: string
  readonly data: string
  readonly lastEventId: string
}

function collect(source: EventSource, types: readonly string[]) {
  const seen: Seen[] = []
  const listeners = new Set<() => void>()
  for (const type of types) {
    source.addEventListener(type, (e) => {
      seen.push({ type: e.type, data: e.data, lastEventId: e.lastEventId })
      for (const l of [...listeners]) l()
    })
  }
  const untilCount = (n: number) =>
    until(
      () => seen.length >= n,
      (recheck) => {
        listeners.add(recheck)
        return () => listeners.delete(recheck)
      },
    )
  return { seen, untilCount }
}

/** A channel behind a session server and one EventSource on it, with its first stream open. */
async function channelWithClient(history: number) {
  const channel = new Channel('feed', { history })
  const lastEventIds: (string | undefined)[] = []
  // retry: 1 ms keeps the client's reconnection delay out of the test's running time
  const s = await startSessionServer({ retry: 1 }, (session, req) => {
    lastEventIds.push(req.headers['last-event-id'] as string | undefined)
    channel.subscribe(session)
  })
  server = s.server
  const source = new EventSource(s.url)
  const { seen, untilCount } = collect(source, ['tick', 'too-far-behind'])
  return { channel, lastEventIds, nth: s.nth, source, seen, untilCount, first: await s.nth(0) }
}

describe('with the eventsource client', () => {
  it('receives named, multi-line and JSON events with their ids', async () => {
    const s = await startSessionServer()
    server = s.server
    const source = new EventSource(s.url)
    const { seen, untilCount } = collect(source, ['message', 'note'])
    const session = await s.nth(0)
    session.send({ data: 'plain', id: 'a' })
    session.send({ event: 'note', data: 'line 1\r\nline 2\rline 3' })
    session.send({ json: { ok: true, text: 'é😀' }, id: 'c' })
    await untilCount(3)
    source.close()
    expect(seen).toEqual([
      { type: 'message', data: 'plain', lastEventId: 'a' },
      { type: 'note', data: 'line 1\nline 2\nline 3', lastEventId: 'a' },
      { type: 'message', data: '{"ok":true,"text":"é😀"}', lastEventId: 'c' },
    ])
  })

  it('reconnects after the server ends the stream, sends Last-Event-ID, and gets the missed events replayed', async () => {
    const { channel, lastEventIds, nth, source, seen, untilCount, first } = await channelWithClient(50)
    channel.publish({ event: 'tick', json: 1 })
    channel.publish({ event: 'tick', json: 2 })
    await untilCount(2)
    first.close()
    await first.closed
    // published while the client is away: only the history has them
    channel.publish({ event: 'tick', json: 3 })
    channel.publish({ event: 'tick', json: 4 })
    await nth(1)
    channel.publish({ event: 'tick', json: 5 })
    await untilCount(5)
    source.close()
    expect(lastEventIds).toEqual([undefined, '2'])
    expect(seen.map((e) => [e.type, e.data, e.lastEventId])).toEqual([
      ['tick', '1', '1'],
      ['tick', '2', '2'],
      ['tick', '3', '3'],
      ['tick', '4', '4'],
      ['tick', '5', '5'],
    ])
  })

  it('is told it is too far behind when it reconnects after the history moved past its id', async () => {
    const { channel, nth, source, seen, untilCount, first } = await channelWithClient(2)
    channel.publish({ event: 'tick', json: 1 })
    await untilCount(1)
    first.close()
    for (let n = 2; n <= 5; n++) channel.publish({ event: 'tick', json: n })
    await untilCount(2)
    await nth(1)
    channel.publish({ event: 'tick', json: 6 })
    await untilCount(3)
    source.close()
    expect(seen.map((e) => [e.type, e.data, e.lastEventId])).toEqual([
      ['tick', '1', '1'],
      ['too-far-behind', '{"lastEventId":"1","resumedAt":"5"}', '5'],
      ['tick', '6', '6'],
    ])
  })

  it('resumes from a non-ASCII id, which travels as UTF-8 bytes in Last-Event-ID', async () => {
    const { channel, nth, source, seen, untilCount, first } = await channelWithClient(10)
    channel.publish({ event: 'tick', json: 1, id: 'é-1' })
    await untilCount(1)
    first.close()
    channel.publish({ event: 'tick', json: 2, id: 'é-2' })
    expect((await nth(1)).lastEventId).toBe('é-1')
    await untilCount(2)
    source.close()
    expect(seen.map((e) => [e.type, e.lastEventId])).toEqual([
      ['tick', 'é-1'],
      ['tick', 'é-2'],
    ])
  })
})
