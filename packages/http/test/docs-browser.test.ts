// The docs pages in a real browser with no network beyond the app: headless Chromium (Debian's package, driven by
// playwright-core) opens /docs and /redoc; every request to another origin is refused and recorded, so a page that
// needed a CDN would fail here. Swagger UI's "Try it out" sends a real request to the app and shows the answer.
import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { mountDocs } from '../src/docs.ts'
import { App, Depends, HTTPException, listen, type RunningServer } from '../src/index.ts'
import { APIKeyHeader, OAuth2PasswordBearer, Security, securityScopes } from '../src/security.ts'

const CHROMIUM = '/usr/bin/chromium'

function notesApp() {
  const app = new App({ title: 'Notes', openapiUrl: null })
  const Note = z.object({ id: z.number().int(), text: z.string() })
  const notes = new Map([[1, { id: 1, text: 'first note' }]])
  app.get('/notes', { response: z.array(Note), summary: 'List notes' }, () => [...notes.values()])
  app.post('/notes', { body: z.object({ text: z.string().min(1) }), response: Note, status: 201 }, ({ body }) => {
    const note = { id: notes.size + 1, text: body.text }
    notes.set(note.id, note)
    return note
  })
  app.get('/notes/{id:int}', { response: Note, summary: 'One note' }, ({ params }) => {
    const note = notes.get(params.id)
    if (note === undefined) throw new HTTPException(404, 'Note not found')
    return note
  })
  app.delete('/notes/{id:int}', { status: 204 }, ({ params }) => void notes.delete(params.id))
  // an array query parameter: Swagger UI sends one item as ?tag=a, which must arrive as ['a']
  app.get('/tags', { query: z.object({ tag: z.array(z.string()) }) }, ({ query }) => ({ tags: query.tag }))
  mountDocs(app, { title: 'Notes' })
  return app
}

// OAuth2 password flow with scopes, and an API key: what the docs page's Authorize button fills in
function protectedApp() {
  const app = new App({ title: 'Protected', openapiUrl: null })
  const oauth2 = OAuth2PasswordBearer({ tokenUrl: '/token', scopes: { 'notes:read': 'Read notes' } })
  const user = Depends(
    (input) => {
      if (input.deps.token !== 'token-for-ann') throw new HTTPException(401, 'Invalid token')
      const granted = ['notes:read']
      if (!securityScopes(input).scopes.every((s) => granted.includes(s))) throw new HTTPException(403)
      return 'ann'
    },
    { deps: { token: oauth2 } },
  )
  app.post(
    '/token',
    {
      body: z.object({ username: z.string(), password: z.string(), scope: z.string().optional() }),
      bodyTypes: ['form'],
    },
    ({ body }) => {
      if (body.password !== 'secret') throw new HTTPException(400, 'Incorrect username or password')
      return { access_token: `token-for-${body.username}`, token_type: 'bearer' }
    },
  )
  app.get('/notes', { deps: { user: Security(user, ['notes:read']) } }, ({ deps }) => ({ owner: deps.user }))
  app.get('/stats', { deps: { key: APIKeyHeader({ name: 'x-api-key' }) } }, ({ deps }) => ({ key: deps.key }))
  mountDocs(app, { title: 'Protected' })
  return app
}

let server: RunningServer | undefined
let secured: RunningServer | undefined
let browser: Browser | undefined
const foreign: string[] = []
const cspViolations: string[] = []

async function open(path: string, on = server!): Promise<Page> {
  const page = await browser!.newPage()
  const origin = new URL(on.url).origin
  await page.route('**/*', (route) => {
    if (new URL(route.request().url()).origin === origin) return route.continue()
    foreign.push(route.request().url())
    return route.abort('internetdisconnected')
  })
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text())
  })
  await page.goto(new URL(path, on.url).href)
  return page
}

// The browser is a system package (apt-get install chromium), not an npm dependency: without it, skipped.
describe.skipIf(!existsSync(CHROMIUM))('the docs pages in headless Chromium, offline', () => {
  beforeAll(async () => {
    server = await listen(notesApp(), { port: 0 })
    secured = await listen(protectedApp(), { port: 0 })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await secured?.close()
  })

  it('Swagger UI renders every operation and "Try it out" shows the real answer', async () => {
    const page = await open('/docs')
    await page.waitForSelector('.opblock')
    const operations = await page.$$eval('.opblock-summary', (els) =>
      els.map((el) => {
        const method = el.querySelector('.opblock-summary-method')?.textContent ?? ''
        const path = el.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''
        return `${method} ${path}`
      }),
    )
    expect(operations.sort()).toEqual([
      'DELETE /notes/{id}',
      'GET /notes',
      'GET /notes/{id}',
      'GET /tags',
      'POST /notes',
    ])

    const op = page.locator('.opblock-get', { has: page.locator('[data-path="/notes/{id}"]') })
    await op.locator('.opblock-summary').click()
    await op.locator('.try-out__btn').click()
    await op.locator('input[placeholder="id"]').fill('1')
    await op.locator('button.execute').click()
    const live = op.locator('.live-responses-table .response')
    await live.waitFor()
    expect((await live.locator('.response-col_status').textContent())?.trim()).toBe('200')
    expect(JSON.parse((await live.locator('.response-col_description pre').first().textContent()) ?? '')).toEqual({
      id: 1,
      text: 'first note',
    })
    await page.close()
    expect(foreign).toEqual([])
    expect(cspViolations).toEqual([])
  })

  it('Try it out with one item of an array query parameter answers 200 with a one-item array', async () => {
    const page = await open('/docs')
    const op = page.locator('.opblock-get', { has: page.locator('[data-path="/tags"]') })
    await op.locator('.opblock-summary').click()
    await op.locator('.try-out__btn').click()
    await op.locator('button.json-schema-form-item-add').click()
    await op.locator('.json-schema-form-item input').fill('urgent')
    await op.locator('button.execute').click()
    const live = op.locator('.live-responses-table .response')
    await live.waitFor()
    expect(await op.locator('.request-url pre').textContent()).toMatch(/\/tags\?tag=urgent$/)
    expect((await live.locator('.response-col_status').textContent())?.trim()).toBe('200')
    expect(JSON.parse((await live.locator('.response-col_description pre').first().textContent()) ?? '')).toEqual({
      tags: ['urgent'],
    })
    await page.close()
  })

  it('ReDoc renders every operation', async () => {
    const page = await open('/redoc')
    // an operation's section id is 'operation/<operationId>', or 'tag/…/paths/<path>/<method>' without one
    const operations = '[data-section-id^="operation/"], [data-section-id*="/paths/"]'
    await page.waitForSelector(operations)
    expect(await page.locator(operations).count()).toBe(5)
    const text = await page.locator('redoc').innerText()
    expect(text).toContain('List notes')
    expect(text).toContain('One note')
    await page.close()
    expect(foreign).toEqual([])
    // ReDoc's "API docs by Redocly" footer links its logo from a CDN: the page's CSP refuses it, nothing else
    expect(cspViolations.every((v) => v.includes('cdn.redoc.ly/redoc/logo-mini.svg'))).toBe(true)
  })

  // Try it out on an operation of /docs and the status and body it shows
  async function tryItOut(page: Page, method: string, path: string) {
    const op = page.locator(`.opblock-${method}`, { has: page.locator(`[data-path="${path}"]`) })
    await op.locator('.opblock-summary').click()
    await op.locator('.try-out__btn').click()
    // wait for this request's answer on the network, then for the page to show its status: a response table
    // left from an earlier try (cleared by Cancel a render later on a busy machine) must not be read instead
    const answered = page.waitForResponse(
      (r) => new URL(r.url()).pathname === path && r.request().method() === method.toUpperCase(),
    )
    await op.locator('button.execute').click()
    const code = String((await answered).status())
    const live = op.locator('.live-responses-table .response')
    await live.locator('.response-col_status', { hasText: code }).waitFor()
    const status = (await live.locator('.response-col_status').textContent())?.trim()
    const body = JSON.parse((await live.locator('.response-col_description pre').first().textContent()) ?? 'null')
    await op.locator('.try-out__btn').click() // Cancel: back to the operation as it was
    await op.locator('.opblock-summary').click() // collapsed
    return { status, body }
  }

  it('Authorize (OAuth2 password flow, API key) makes Try it out on protected routes answer 200', async () => {
    const page = await open('/docs', secured)
    await page.waitForSelector('.opblock')
    expect(await tryItOut(page, 'get', '/notes')).toEqual({ status: '401', body: { detail: 'Not authenticated' } })

    await page.locator('.auth-wrapper button.authorize').click()
    const modal = page.locator('.modal-ux')
    const oauth = modal.locator('.auth-container', { hasText: 'OAuth2PasswordBearer' })
    await oauth.locator('#oauth_username').fill('ann')
    await oauth.locator('#oauth_password').fill('secret')
    await oauth.locator('label[for="notes:read-password-checkbox-OAuth2PasswordBearer"]').click() // the scope
    await oauth.locator('button.authorize').click()
    await oauth.getByText('Logout').waitFor() // the token route answered and the token is kept
    const key = modal.locator('.auth-container', { hasText: 'x-api-key' })
    await key.locator('input[type="text"]').fill('k-123')
    await key.locator('button.authorize').click()
    await key.getByText('Logout').waitFor()
    await modal.locator('button.btn-done').first().click()

    expect(await tryItOut(page, 'get', '/notes')).toEqual({ status: '200', body: { owner: 'ann' } })
    expect(await tryItOut(page, 'get', '/stats')).toEqual({ status: '200', body: { key: 'k-123' } })
    await page.close()
    expect(foreign).toEqual([])
  })
})
