// The demo in a real browser: headless Chromium (Debian's package, driven by playwright-core) against the app on
// a real port and a real PostgreSQL. Every wait is for an event in the page, never for a duration.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunningServer } from 'fasterapi'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

// the page's globals, for the functions these tests run inside it (this package compiles without the DOM lib)
declare const document: any

const CHROMIUM = '/usr/bin/chromium'
// The browser is a system package (apt-get install chromium), not an npm dependency, and tests install
// nothing: without it these tests cannot run, so they are skipped, not failed.
const noBrowser = !existsSync(CHROMIUM)

let server: RunningServer
let browser: BrowserContext
let profile: string

beforeAll(async () => {
  if (noBrowser) return
  process.env.DATABASE_URL = inject('databaseUrl')
  const { default: app } = await import('../src/main.ts')
  const { listen } = await import('fasterapi')
  server = await listen(app, { port: 0, host: '127.0.0.1' })
  profile = mkdtempSync(join(tmpdir(), 'fasterapi-chromium-'))
  // a fresh profile per run (playwright passes it as --user-data-dir)
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

async function open(query = ''): Promise<Page> {
  const page = await browser.newPage()
  await page.goto(`${server.url}/${query}`)
  return page
}

describe.skipIf(noBrowser)('the demo in headless Chromium', () => {
  it('the dashboard receives live request-rate and event-loop events over SSE', async () => {
    const page = await open()
    await page.waitForFunction(() => (globalThis as any).demo.stats.length >= 3)
    const stats = await page.evaluate(() => (globalThis as any).demo.stats)
    for (const s of stats) {
      expect(s).toEqual({
        requestsPerSecond: expect.any(Number),
        loopDelayP99Ms: expect.any(Number),
        loopUtilization: expect.any(Number),
        viewers: expect.any(Number),
      })
    }
    expect(await page.textContent('#viewers')).not.toBe('–')
    await page.close()
  })

  it('two pages chat over the WebSocket', async () => {
    const ada = await open('?name=ada')
    const alan = await open('?name=alan')
    // each page hears its own join once its socket is in the room
    await ada.waitForFunction(() => (globalThis as any).demo.chat.some((m: any) => m.text === 'ada joined'))
    await alan.waitForFunction(() => (globalThis as any).demo.chat.some((m: any) => m.text === 'alan joined'))
    await ada.fill('#chat-text', 'hello from ada')
    await ada.click('#chat-form button')
    await alan.waitForFunction(() => (globalThis as any).demo.chat.some((m: any) => m.text === 'hello from ada'))
    await alan.fill('#chat-text', 'hi ada')
    await alan.press('#chat-text', 'Enter')
    await ada.waitForFunction(() => (globalThis as any).demo.chat.some((m: any) => m.text === 'hi ada'))
    const heard = await ada.evaluate(() => (globalThis as any).demo.chat.filter((m: any) => m.from !== 'server'))
    expect(heard.map((m: any) => [m.from, m.text])).toEqual([
      ['ada', 'hello from ada'],
      ['alan', 'hi ada'],
    ])
    expect(await ada.textContent('#chat')).toContain('alan: hi ada')
    await ada.close()
    await alan.close()
  })

  it('creates, lists, updates and deletes an item through the page, and shows a validation error', async () => {
    const page = await open()
    await page.fill('#item-name', 'browser pen')
    await page.fill('#item-price', '3.25')
    await page.click('#item-form button')
    await page.waitForFunction(() => (globalThis as any).demo.items.some((i: any) => i.name === 'browser pen'))
    const item = await page.evaluate(() => (globalThis as any).demo.items.find((i: any) => i.name === 'browser pen'))
    expect(item).toEqual({ id: expect.any(Number), name: 'browser pen', price: 3.25, tags: [] })
    const updated = await page.evaluate(
      (id) => (globalThis as any).demo.api('PATCH', `/items/${id}`, { price: 4 }),
      item.id,
    )
    expect(updated).toEqual({ ...item, price: 4 })
    await page.fill('#item-name', 'free lunch')
    await page.fill('#item-price', '-1')
    await page.evaluate(() => document.getElementById('item-price').removeAttribute('required'))
    await page.$eval('#item-form', (form: any) => form.requestSubmit())
    await page.waitForFunction(() => document.getElementById('item-error')!.textContent!.startsWith('422'))
    await page.evaluate(() => (globalThis as any).demo.loadItems())
    await page.click(`#items li:has-text("#${item.id} browser pen") button`)
    await page.waitForFunction((id) => !(globalThis as any).demo.items.some((i: any) => i.id === id), item.id)
    const gone = await page.evaluate((id) => fetch(`/items/${id}`).then((r) => r.status), item.id)
    expect(gone).toBe(404)
    await page.close()
  })

  it('keeps the dashboard live while a CPU-bound request runs on the executor', async () => {
    const page = await open()
    await page.waitForFunction(() => (globalThis as any).demo.stats.length >= 1)
    // start a count far too long to finish here, then wait for three dashboard events while it is still running
    const during = await page.evaluate(async () => {
      const demo = (globalThis as any).demo
      const controller = new AbortController()
      let finished = false
      const cpu = fetch('/primes?below=50000000', { signal: controller.signal })
        .then(() => (finished = true))
        .catch(() => {})
      const before = demo.stats.length
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (demo.stats.length < before + 3 && !finished) return
          clearInterval(check)
          resolve()
        }, 10)
      })
      const result = { events: demo.stats.length - before, cpuStillRunning: !finished }
      controller.abort()
      await cpu
      return result
    })
    expect(during).toEqual({ events: expect.any(Number), cpuStillRunning: true })
    expect(during.events).toBeGreaterThanOrEqual(3)
    await page.close()
  })

  it('a long job reports its progress over SSE until done', async () => {
    const page = await open()
    await page.click('#job')
    await page.waitForFunction(() => document.getElementById('job-result')!.textContent!.startsWith('done'))
    const progress = await page.evaluate(() => (globalThis as any).demo.progress.map((p: any) => p.step))
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    await page.close()
  })
})
