import { afterEach, describe, expect, it } from 'vitest'
import { Channel, type ChannelBus, InProcessBus, type SubscribeOptions } from '../src/index.ts'
import { StreamClient, startSessionServer, type TestServer } from './helpers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Every request subscribes to `channel`; `?kind=x` subscribes with a filter on event type x. */
async function channelServer(channel: Channel, options: SubscribeOptions = {}) {
  const s = await startSessionServer({}, (session, req) => {
    const kind = new URL(req.url!, 'http://x').searchParams.get('kind')
    channel.subscribe(session, kind === null ? options : { ...options, filter: (e) => e.event === kind })
  })
  server = s.server
  return s
}

describe('Channel', () => {
  it('broadcasts the same event to every subscriber, with ids from its counter', async () => {
    const channel = new Channel('news')
    const { url, nth } = await channelServer(channel)
    const clients = [new StreamClient(url), new StreamClient(url), new StreamClient(url)]
    await nth(2)
    expect(channel.size).toBe(3)
    expect(channel.publish({ event: 'headline', json: { title: 'hi' } }).get()).toBe('1')
    channel.publish({ data: 'two' })
    for (const c of clients) {
      await c.untilEvents(2)
      expect(c.events).toEqual([
        { type: 'headline', data: '{"title":"hi"}', lastEventId: '1' },
        { type: 'message', data: 'two', lastEventId: '2' },
      ])
      c.destroy()
    }
  })

  it('delivers to a filtered subscriber only what its filter accepts', async () => {
    const channel = new Channel('mixed')
    const { url, nth } = await channelServer(channel)
    const onlyB = new StreamClient(`${url}/?kind=b`)
    const all = new StreamClient(url)
    await nth(1)
    channel.publish({ event: 'a', data: '1' })
    channel.publish({ event: 'b', data: '2' })
    await all.untilEvents(2)
    await onlyB.untilEvents(1)
    channel.publish({ event: 'b', data: 'end' })
    await onlyB.untilEvents(2)
    expect(onlyB.events.map((e) => e.data)).toEqual(['2', 'end'])
    onlyB.destroy()
    all.destroy()
  })

  it('replays what a client missed after its Last-Event-ID, then continues live', async () => {
    const channel = new Channel('feed', { history: 10 })
    for (let i = 0; i < 5; i++) channel.publish({ data: `e${i + 1}` })
    const { url, nth } = await channelServer(channel)
    const client = new StreamClient(url, { 'last-event-id': '3' })
    await nth(0)
    channel.publish({ data: 'e6' })
    await client.untilEvents(3)
    expect(client.events.map((e) => [e.data, e.lastEventId])).toEqual([
      ['e4', '4'],
      ['e5', '5'],
      ['e6', '6'],
    ])
    client.destroy()
  })

  it('tells a client whose Last-Event-ID fell out of the history that it is too far behind, and moves it to now', async () => {
    const channel = new Channel('feed', { history: 3 })
    for (let i = 0; i < 10; i++) channel.publish({ data: `e${i + 1}` })
    const { url } = await channelServer(channel)
    const client = new StreamClient(url, { 'last-event-id': '2' })
    await client.untilEvents(1)
    expect(client.events[0]).toEqual({
      type: 'too-far-behind',
      data: JSON.stringify({ lastEventId: '2', resumedAt: '10' }),
      lastEventId: '10',
    })
    client.destroy()
  })

  it('replays nothing to a client that is up to date, and nothing to a new one', async () => {
    const channel = new Channel('feed')
    channel.publish({ data: 'old' })
    const { url, nth } = await channelServer(channel)
    const upToDate = new StreamClient(url, { 'last-event-id': '1' })
    const fresh = new StreamClient(url)
    await nth(1)
    channel.publish({ data: 'new' })
    for (const c of [upToDate, fresh]) {
      await c.untilEvents(1)
      expect(c.events.map((e) => e.data)).toEqual(['new'])
      c.destroy()
    }
  })

  it('drops a session when its client leaves, and forgets it on unsubscribe', async () => {
    const channel = new Channel('c')
    const { url, nth } = await startSessionServer()
    const client = new StreamClient(url)
    const session = await nth(0)
    channel.subscribe(session)
    expect(channel.size).toBe(1)
    channel.unsubscribe(session)
    expect(channel.size).toBe(0)
    channel.subscribe(session)
    client.destroy()
    await session.closed
    expect(channel.size).toBe(0)
  })

  it('shares events between channels of one name over a bus, as between processes, in one order', async () => {
    const bus = new InProcessBus()
    let next = 0
    const nextId = () => `p-${++next}`
    const here = new Channel('room', { bus, nextId })
    const there = new Channel('room', { bus, nextId })
    const other = new Channel('other', { bus })
    const { url, nth } = await startSessionServer()
    const a = new StreamClient(url)
    const b = new StreamClient(url)
    const c = new StreamClient(url)
    here.subscribe(await nth(0))
    there.subscribe(await nth(1))
    other.subscribe(await nth(2))
    here.publish({ event: 'msg', json: 'from here' })
    there.publish({ event: 'msg', json: 'from there' })
    other.publish({ data: 'marker' })
    for (const client of [a, b]) {
      await client.untilEvents(2)
      expect(client.events.map((e) => [e.data, e.lastEventId])).toEqual([
        ['"from here"', 'p-1'],
        ['"from there"', 'p-2'],
      ])
    }
    await c.untilEvents(1)
    expect(c.events.map((e) => e.data)).toEqual(['marker'])
    here.close()
    there.close()
    other.close()
    for (const client of [a, b, c]) client.destroy()
  })

  it('waits for an asynchronous bus to accept the event before its publish Future settles', async () => {
    const delivered: string[] = []
    let accept: () => void = () => {}
    const bus: ChannelBus = {
      publish: (_name, message) =>
        new Promise<void>((resolve) => {
          accept = () => {
            delivered.push(message.id)
            resolve()
          }
        }),
      subscribe: () => () => {},
    }
    const channel = new Channel('slow', { bus })
    const published = channel.publish({ data: 'x' })
    expect(published.isReady).toBe(false)
    accept()
    expect(await published).toBe('1')
    expect(delivered).toEqual(['1'])
  })

  it('resolves publish with the id a numbering bus assigned, synchronously or not', async () => {
    let next = 41
    const sync: ChannelBus = { publish: () => String(++next), subscribe: () => () => {} }
    const later: ChannelBus = { publish: async () => String(++next), subscribe: () => () => {} }
    expect(await new Channel('numbered', { bus: sync }).publish({ data: 'x' })).toBe('42')
    expect(await new Channel('numbered', { bus: later }).publish({ data: 'y' })).toBe('43')
  })

  it('replaces the filter when a subscribed session subscribes again, replaying nothing twice', async () => {
    const channel = new Channel('c')
    channel.publish({ event: 'a', data: 'old' })
    const { url, nth } = await startSessionServer()
    const client = new StreamClient(url, { 'last-event-id': '0' })
    const session = await nth(0)
    channel.subscribe(session, { filter: (e) => e.event === 'a' })
    channel.subscribe(session, { filter: (e) => e.event === 'b' })
    expect(channel.size).toBe(1)
    channel.publish({ event: 'a', data: 'skipped' })
    channel.publish({ event: 'b', data: 'kept' })
    await client.untilEvents(2)
    // '0' is not in the history: told once that it is behind, then only 'b'
    expect(client.events.map((e) => [e.type, e.data])).toEqual([
      ['too-far-behind', '{"lastEventId":"0","resumedAt":"1"}'],
      ['b', 'kept'],
    ])
    client.destroy()
  })
})
