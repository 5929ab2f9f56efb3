import { afterEach, describe, expect, it } from 'vitest'
import { createSession, pipeEvents, type SseEvent, type SseSession, streamEvents } from '../src/index.ts'
import { listen, StreamClient, type TestServer } from './helpers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('streamEvents', () => {
  it('sends what an async generator yields, then ends the stream', async () => {
    const done: Promise<void>[] = []
    server = await listen((req, res) => {
      done.push(
        streamEvents(req, res, async function* () {
          for (let n = 1; n <= 3; n++) yield { event: 'n', json: n, id: String(n) }
        }),
      )
    })
    const client = new StreamClient(server.url)
    await client.until((c) => c.ended)
    await done[0]
    expect(client.events.map((e) => [e.type, e.data, e.lastEventId])).toEqual([
      ['n', '1', '1'],
      ['n', '2', '2'],
      ['n', '3', '3'],
    ])
  })

  it('takes a plain iterable too', async () => {
    server = await listen((req, res) => void streamEvents(req, res, [{ data: 'a' }, { data: 'b' }]))
    const client = new StreamClient(server.url)
    await client.until((c) => c.ended)
    expect(client.events.map((e) => e.data)).toEqual(['a', 'b'])
  })

  it('aborts the producer signal and returns the generator when the client leaves, even mid-wait', async () => {
    let signal: AbortSignal | undefined
    let cleanedUp = false
    let release: () => void = () => {}
    const done: Promise<void>[] = []
    server = await listen((req, res) => {
      done.push(
        streamEvents(req, res, (s) => {
          signal = s
          return (async function* (): AsyncGenerator<SseEvent> {
            try {
              yield { data: 'first' }
              // waits on upstream work that only the abort ends
              await new Promise<void>((resolve) => {
                release = resolve
                s.addEventListener('abort', () => resolve())
              })
              yield { data: 'never sent' }
            } finally {
              cleanedUp = true
            }
          })()
        }),
      )
    })
    const client = new StreamClient(server.url)
    await client.untilEvents(1)
    client.destroy()
    await done[0]
    expect(signal?.aborted).toBe(true)
    release()
    await new Promise((resolve) => setImmediate(resolve))
    expect(cleanedUp).toBe(true)
    expect(client.events.map((e) => e.data)).toEqual(['first'])
  })

  it('closes the stream and rejects with the error when the source throws', async () => {
    const failures: Promise<unknown>[] = []
    const sessions: SseSession[] = []
    server = await listen((req, res) => {
      const session = createSession(req, res)
      sessions.push(session)
      const piped = pipeEvents(session, async function* () {
        yield { data: 'ok' }
        throw new Error('upstream failed')
      })
      failures.push(
        piped.then(
          () => undefined,
          (error: unknown) => error,
        ),
      )
    })
    const client = new StreamClient(server.url)
    await client.until((c) => c.ended)
    expect(await failures[0]).toMatchObject({ message: 'upstream failed' })
    expect(sessions[0]!.isClosed).toBe(true)
    expect(client.events.map((e) => e.data)).toEqual(['ok'])
  })

  it('pulls no further from the source while a slow client holds the wait policy, and resumes when it reads', async () => {
    const max = 64 * 1024
    const big = 'x'.repeat(16 * 1024)
    const sessions: SseSession[] = []
    let pulled = 0
    let worst = 0
    const done: Promise<void>[] = []
    server = await listen((req, res) => {
      const session = createSession(req, res, { queuePolicy: 'wait', maxQueueBytes: max })
      sessions.push(session)
      done.push(
        pipeEvents(session, function* () {
          for (;;) {
            pulled++
            worst = Math.max(worst, session.queuedBytes)
            yield { data: big }
          }
        }),
      )
    })
    const client = new StreamClient(server.url)
    await client.response
    client.pause()
    // the producer runs until the socket and the queue are full, then waits on send()
    await client.until(() => sessions[0] !== undefined && sessions[0].queuedBytes > max)
    const whileStalled = pulled
    expect(worst).toBeLessThanOrEqual(max)
    client.resume()
    await client.untilEvents(whileStalled + 10)
    expect(pulled).toBeGreaterThan(whileStalled)
    expect(worst).toBeLessThanOrEqual(max)
    client.destroy()
    await done[0]
  })
})
