// CORS as a browser enforces it: headless Chromium (Debian's package, driven by playwright-core) loads a page
// from one server and fetches from APIs on other ports (other origins). What the page can read is decided by
// the browser from our headers, so this is the test that proves them.
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { App, cors, listen, Response, type RunningServer } from '../src/index.ts'

const CHROMIUM = '/usr/bin/chromium'

const servers: RunningServer[] = []
let browser: Browser | undefined
let page: RunningServer
let allowed: RunningServer
let refused: RunningServer
let noCredentials: RunningServer

function apiApp(options: Parameters<typeof cors>[0]): App {
  const app = new App()
  app.use(cors(options))
  app.get('/data', () => Response.json({ items: [1, 2, 3] }, { headers: { 'x-total': '3', 'x-hidden': 'h' } }))
  app.put('/data', ({ headers }) => ({ token: headers['x-token'] ?? null }))
  app.post('/login', () => Response.json({ ok: true }).setCookie('sid', 'user-7', { httpOnly: true }))
  app.get('/whoami', ({ request }) => ({ sid: request.cookies.sid ?? null }))
  return app
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return
  const pageApp = new App()
  pageApp.get('/', () => Response.html('<!doctype html><meta charset="utf-8"><title>page</title>'))
  page = await listen(pageApp, { port: 0 })
  servers.push(page)
  allowed = await listen(apiApp({ origin: [page.url], credentials: true, exposedHeaders: ['x-total'], maxAge: 60 }), {
    port: 0,
  })
  refused = await listen(apiApp({ origin: 'https://elsewhere.example' }), { port: 0 })
  noCredentials = await listen(apiApp({ origin: page.url }), { port: 0 })
  servers.push(allowed, refused, noCredentials)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all(servers.map((s) => s.close()))
})

// what the page sees: the body and headers it may read, or 'blocked' when fetch rejects (a CORS failure)
async function fromPage(script: (api: string) => Promise<unknown>, api: string): Promise<unknown> {
  const tab = await browser!.newPage()
  try {
    await tab.goto(page.url)
    return await tab.evaluate(script, api)
  } finally {
    await tab.close()
  }
}

describe.skipIf(!existsSync(CHROMIUM))('CORS in headless Chromium', () => {
  it('lets a page on another origin read an allowed API, with only the exposed headers', async () => {
    const seen = await fromPage(async (api) => {
      const r = await fetch(`${api}/data`)
      return { body: await r.json(), total: r.headers.get('x-total'), hidden: r.headers.get('x-hidden') }
    }, allowed.url)
    expect(seen).toEqual({ body: { items: [1, 2, 3] }, total: '3', hidden: null })
  }, 60_000)

  it('blocks the page from an API that does not allow its origin', async () => {
    const seen = await fromPage(async (api) => {
      try {
        await fetch(`${api}/data`)
        return 'read'
      } catch (error) {
        return `blocked: ${(error as Error).name}`
      }
    }, refused.url)
    expect(seen).toBe('blocked: TypeError')
  }, 60_000)

  it('passes a preflighted PUT with a custom header when allowed, and blocks it when refused', async () => {
    const put = async (api: string) => {
      try {
        const r = await fetch(`${api}/data`, {
          method: 'PUT',
          headers: { 'x-token': 't-1', 'content-type': 'application/json' },
          body: '{}',
        })
        return await r.json()
      } catch (error) {
        return `blocked: ${(error as Error).name}`
      }
    }
    expect(await fromPage(put, allowed.url)).toEqual({ token: 't-1' })
    expect(await fromPage(put, refused.url)).toBe('blocked: TypeError')
  }, 60_000)

  it('sends and receives cookies with credentials only where the API allows credentials', async () => {
    const withCredentials = async (api: string) => {
      try {
        await fetch(`${api}/login`, { method: 'POST', credentials: 'include' })
        const r = await fetch(`${api}/whoami`, { credentials: 'include' })
        return await r.json()
      } catch (error) {
        return `blocked: ${(error as Error).name}`
      }
    }
    expect(await fromPage(withCredentials, allowed.url)).toEqual({ sid: 'user-7' })
    expect(await fromPage(withCredentials, noCredentials.url)).toBe('blocked: TypeError')
    // without credentials the same API is readable, and the browser sends no cookie
    const anonymous = await fromPage(async (api) => (await fetch(`${api}/whoami`)).json(), allowed.url)
    expect(anonymous).toEqual({ sid: null })
  }, 60_000)
})
