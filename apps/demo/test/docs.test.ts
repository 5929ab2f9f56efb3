// The demo's API docs in a real browser (issue 15): headless Chromium opens /docs, served by the app itself with no
// other origin reachable, and runs a CRUD round trip through Swagger UI's "Try it out" on a real PostgreSQL:
// create, read, update, delete, then read again for the 404. Every wait is for something the page shows.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunningServer } from 'fasterapi'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

const CHROMIUM = '/usr/bin/chromium'
// The browser is a system package (apt-get install chromium), not an npm dependency: without it, skipped.
const noBrowser = !existsSync(CHROMIUM)

let server: RunningServer
let browser: BrowserContext
let profile: string
const foreign: string[] = []

beforeAll(async () => {
  if (noBrowser) return
  process.env.DATABASE_URL = inject('databaseUrl')
  const { default: app } = await import('../src/main.ts')
  const { listen } = await import('fasterapi')
  server = await listen(app, { port: 0, host: '127.0.0.1' })
  profile = mkdtempSync(join(tmpdir(), 'fasterapi-docs-chromium-'))
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

async function openDocs(): Promise<Page> {
  const page = await browser.newPage()
  const origin = new URL(server.url).origin
  await page.route('**/*', (route) => {
    if (new URL(route.request().url()).origin === origin) return route.continue()
    foreign.push(route.request().url())
    return route.abort('internetdisconnected')
  })
  await page.goto(`${server.url}/docs`)
  await page.waitForSelector('.opblock')
  return page
}

// "Try it out" on one operation: fills the path parameters and the JSON body, executes, and reads the answer
async function tryItOut(
  page: Page,
  method: string,
  path: string,
  input: { params?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const op = page.locator(`.opblock-${method}`, { has: page.locator(`[data-path="${path}"]`) })
  await op.locator('.opblock-summary').click()
  await op.locator('.try-out__btn').click()
  for (const [name, value] of Object.entries(input.params ?? {}))
    await op.locator(`input[placeholder="${name}"]`).fill(value)
  if (input.body !== undefined) await op.locator('textarea.body-param__text').fill(JSON.stringify(input.body))
  // wait for this request's answer on the network, then for the page to show its status: the table of an
  // earlier try on the same path (cleared a render after Cancel on a busy machine) must not be read instead
  const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`)
  const answered = page.waitForResponse(
    (r) => pattern.test(new URL(r.url()).pathname) && r.request().method() === method.toUpperCase(),
  )
  await op.locator('button.execute').click()
  const code = String((await answered).status())
  const live = op.locator('.live-responses-table .response')
  await live.locator('.response-col_status', { hasText: code }).waitFor()
  // an undocumented status reads '404Undocumented' in that cell
  const status = Number(/^\d{3}/.exec((await live.locator('.response-col_status').textContent())?.trim() ?? '')?.[0])
  const text = (await live.locator('.response-col_description pre').first().textContent()) ?? ''
  await op.locator('.try-out__btn', { hasText: 'Cancel' }).click()
  await op.locator('.opblock-summary').click() // collapse, so the next call on this path starts fresh
  return { status, body: status === 204 || text === '' ? undefined : JSON.parse(text) }
}

describe.skipIf(noBrowser)("the demo's docs page in headless Chromium", () => {
  it('runs a CRUD round trip through Try it out against PostgreSQL', async () => {
    const page = await openDocs()
    const created = await tryItOut(page, 'post', '/items', {
      body: { name: 'docs pen', price: 3.5, cost: 1, tags: ['docs'] },
    })
    expect(created.status).toBe(201)
    const item = created.body as { id: number }
    expect(item).toEqual({ id: expect.any(Number), name: 'docs pen', price: 3.5, tags: ['docs'] }) // no cost
    const id = String(item.id)

    expect(await tryItOut(page, 'get', '/items/{id}', { params: { id } })).toEqual({ status: 200, body: item })
    const updated = await tryItOut(page, 'patch', '/items/{id}', { params: { id }, body: { price: 4 } })
    expect(updated).toEqual({ status: 200, body: { ...item, price: 4 } })
    expect((await tryItOut(page, 'delete', '/items/{id}', { params: { id } })).status).toBe(204)
    expect(await tryItOut(page, 'get', '/items/{id}', { params: { id } })).toEqual({
      status: 404,
      body: { detail: 'Item not found' },
    })
    await page.close()
    expect(foreign).toEqual([])
  }, 180_000) // five round trips through the browser's UI on a loaded machine
})
