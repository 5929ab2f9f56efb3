// A real browser against the app: headless Chromium (Debian's package, driven by playwright-core) opens a
// page the app serves, receives events from an `app.sse` route through EventSource and talks to an
// `app.websocket` route.
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { App, listen, Response, type RunningServer } from '../src/index.ts'

const CHROMIUM = '/usr/bin/chromium'

const PAGE = `<!doctype html><meta charset="utf-8"><script>
  window.events = []
  window.replies = []
  const source = new EventSource('/events')
  source.addEventListener('tick', (e) => {
    window.events.push(e.data)
    if (window.events.length === 3) source.close()
  })
  const ws = new WebSocket(location.origin.replace('http', 'ws') + '/ws/shout', ['shout.v1'])
  ws.onopen = () => { ws.send('hello'); ws.send('é😀') }
  ws.onmessage = (e) => window.replies.push(e.data + ' via ' + ws.protocol)
</script>`

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('in headless Chromium', () => {
  // The browser is a system package (apt-get install chromium; .ci/run installs it when it can), not an npm
  // dependency, and tests install nothing: without it this test cannot run, so it is skipped, not failed.
  it.skipIf(!existsSync(CHROMIUM))(
    'receives SSE events and talks over a WebSocket to the app',
    async () => {
      const app = new App()
      app.get('/', () => Response.html(PAGE))
      app.sse('/events', {}, async function* () {
        for (let i = 1; i <= 3; i++) yield { event: 'tick', id: String(i), data: `tick ${i}` }
      })
      app.websocket('/ws/shout', { subprotocols: ['shout.v1'] }, async ({ socket }) => {
        for await (const message of socket) await socket.send(String(message).toUpperCase())
      })
      server = await listen(app, { port: 0 })
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
      })
      try {
        const page = await browser.newPage()
        await page.goto(server.url)
        await page.waitForFunction(
          () => (globalThis as any).events.length === 3 && (globalThis as any).replies.length === 2,
        )
        const seen = await page.evaluate(() => ({
          events: (globalThis as any).events,
          replies: (globalThis as any).replies,
        }))
        expect(seen).toEqual({
          events: ['tick 1', 'tick 2', 'tick 3'],
          replies: ['HELLO via shout.v1', 'É😀 via shout.v1'],
        })
      } finally {
        await browser.close()
      }
    },
    30_000,
  )
})
