// A real browser: headless Chromium (Debian's package, driven by playwright-core) receives events
// through `EventSource` on a page, and reconnects with Last-Event-ID after the server ends the stream.
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { Channel, createSession, type SseSession } from '../src/index.ts'
import { listen, type TestServer, until } from './helpers.ts'

const CHROMIUM = '/usr/bin/chromium'

const PAGE = `<!doctype html><meta charset="utf-8"><script>
  window.received = []
  const source = new EventSource('/events')
  const keep = (e) => window.received.push({ type: e.type, data: e.data, lastEventId: e.lastEventId })
  source.addEventListener('message', keep)
  source.addEventListener('note', keep)
</script>`

interface Received {
  readonly received: unknown[]
}

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('in headless Chromium', () => {
  // The browser is a system package (apt-get install chromium), not an npm dependency, and tests
  // install nothing: without it this test cannot run, so it is skipped rather than failed.
  it.skipIf(!existsSync(CHROMIUM))(
    'receives events through EventSource and resumes after a reconnect',
    async () => {
      const channel = new Channel('page', { history: 10 })
      const sessions: SseSession[] = []
      const lastEventIds: (string | undefined)[] = []
      server = await listen((req, res) => {
        if (req.url !== '/events') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE)
          return
        }
        lastEventIds.push(req.headers['last-event-id'] as string | undefined)
        // retry: 1 ms keeps the browser's reconnection delay out of the test's running time
        const session = createSession(req, res, { retry: 1 })
        sessions.push(session)
        channel.subscribe(session)
      })
      const streams = (n: number) =>
        until(
          () => sessions.length >= n,
          (recheck) => {
            server!.server.on('request', recheck)
            return () => server!.server.off('request', recheck)
          },
        )
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
      try {
        const page = await browser.newPage()
        const received = (n: number) =>
          page.waitForFunction((count) => (globalThis as unknown as Received).received.length === count, n)
        await page.goto(server.url)
        await streams(1)
        channel.publish({ data: 'hello' })
        channel.publish({ event: 'note', data: 'two\nlines' })
        channel.publish({ json: { text: 'é😀' } })
        await received(3)
        // the server ends the stream and publishes before the browser can be back: only the history has it
        sessions[0]!.close()
        channel.publish({ data: 'missed' })
        await streams(2)
        channel.publish({ data: 'live again' })
        await received(5)
        expect(await page.evaluate(() => (globalThis as unknown as Received).received)).toEqual([
          { type: 'message', data: 'hello', lastEventId: '1' },
          { type: 'note', data: 'two\nlines', lastEventId: '2' },
          { type: 'message', data: '{"text":"é😀"}', lastEventId: '3' },
          { type: 'message', data: 'missed', lastEventId: '4' },
          { type: 'message', data: 'live again', lastEventId: '5' },
        ])
        expect(lastEventIds).toEqual([undefined, '3'])
      } finally {
        await browser.close()
      }
    },
    30_000,
  )
})
