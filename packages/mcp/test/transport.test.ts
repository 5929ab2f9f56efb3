// Streamable HTTP 2026-07-28 on the wire: every check of the transport spec, with raw requests over a socket,
// and the server still serving afterwards.
import { listen, type RunningServer } from '@fasterapi/http'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Shop, shop } from './fixtures/shop.ts'
import { modern, post as postTo } from './fixtures/wire.ts'

let fixture: Shop
let running: RunningServer

beforeAll(async () => {
  fixture = shop({ bodyLimit: 64 * 1024, oauth: { authorizationServers: ['https://auth.example'], scopes: ['shop'] } })
  running = await listen(fixture.app, { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await running?.close()
})

const post = (body: unknown, headers: Record<string, string>, raw?: string) =>
  postTo(`${running.url}/mcp`, body, headers, raw)

async function call(method: string, params: Record<string, unknown> = {}) {
  const m = modern(method, params)
  return post(m.body, m.headers)
}

describe('2026-07-28 requests', () => {
  it('answers server/discover with the supported versions, capabilities and caching hints', async () => {
    const r = await call('server/discover')
    expect(r.status).toBe(200)
    expect(r.headers['mcp-session-id']).toBeUndefined()
    expect(r.json().result).toMatchObject({
      resultType: 'complete',
      supportedVersions: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'],
      capabilities: { tools: {}, resources: {}, prompts: {} },
      instructions: 'A small shop.',
      cacheScope: 'private',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'shop', version: '1.0.0' } },
    })
    expect(r.json().result.ttlMs).toBeGreaterThan(0)
  })

  it('calls a tool without any initialize and marks the result complete', async () => {
    const r = await call('tools/call', { name: 'get_item', arguments: { id: 1 } })
    expect(r.status).toBe(200)
    expect(r.json()).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { resultType: 'complete', structuredContent: { id: 1, name: 'lamp', price: 20 } },
    })
  })

  it('streams progress then the result on one event stream', async () => {
    const r = await call('tools/call', { name: 'count_to', arguments: { n: 2 }, _meta: { progressToken: 'tok' } })
    expect(r.headers['content-type']).toBe('text/event-stream')
    const messages = r.text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)))
    expect(messages.map((m) => m.method ?? 'result')).toEqual([
      'notifications/progress',
      'notifications/progress',
      'result',
    ])
    expect(messages[1].params).toEqual({ progressToken: 'tok', progress: 2, message: '2' })
    expect(messages[2].result.content[0].text).toBe('1\n2')
  })

  it('reports each part of a streamed body as progress, then the whole body', async () => {
    const r = await call('tools/call', { name: 'lines', arguments: {}, _meta: { progressToken: 7 } })
    const messages = r.text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)))
    expect(messages.slice(0, -1).map((m) => m.params)).toEqual([
      { progressToken: 7, progress: 1, message: 'one\n' },
      { progressToken: 7, progress: 2, message: 'two\n' },
    ])
    expect(messages.at(-1).result.content[0].text).toBe('one\ntwo\n')
  })

  it('aborts the route signal when the client closes the response stream', async () => {
    const controller = new AbortController()
    const m = modern('tools/call', { name: 'slow', arguments: {} })
    const pending = request(`${running.url}/mcp`, {
      method: 'POST',
      headers: m.headers,
      body: JSON.stringify(m.body),
      signal: controller.signal,
    }).catch((e: unknown) => e)
    await fixture.slowStarted
    controller.abort()
    await pending
    const reason = await fixture.slowAborted
    expect((reason as { status: number }).status).toBe(499)
  })

  it('answers 401 with WWW-Authenticate naming the RFC 9728 metadata, which lists the authorization servers', async () => {
    const r = await call('tools/call', { name: 'who_am_i', arguments: {} })
    expect(r.status).toBe(401)
    const challenge = r.headers['www-authenticate'] as string
    expect(challenge).toBe(
      `Bearer resource_metadata="${running.url}/.well-known/oauth-protected-resource/mcp", scope="shop"`,
    )
    const metadata = await request(`${running.url}/.well-known/oauth-protected-resource/mcp`)
    expect(await metadata.body.json()).toEqual({
      resource: `${running.url}/mcp`,
      authorization_servers: ['https://auth.example'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['shop'],
    })
    const m = modern('tools/call', { name: 'who_am_i', arguments: {} })
    const ok = await post(m.body, { ...m.headers, authorization: 'Bearer s3cret' })
    expect(ok.json().result.content[0].text).toBe('{"user":"ada"}')
  })
})

describe('bad input gets the spec status and a JSON-RPC error, and the server keeps serving', () => {
  const cases: [string, () => Promise<{ status: number; json(): any }>, number, number | null][] = [
    ['malformed JSON', () => post(undefined, modern('tools/list').headers, '{"jsonrpc":'), 400, -32700],
    ['a batch', () => post([modern('tools/list').body], modern('tools/list').headers), 400, -32600],
    ['no "jsonrpc"', () => post({ id: 1, method: 'tools/list' }, modern('tools/list').headers), 400, -32600],
    [
      'a response sent by the client',
      () => post({ jsonrpc: '2.0', id: 1, result: {} }, modern('tools/list').headers),
      400,
      -32600,
    ],
    [
      'Mcp-Method unlike the body',
      () => post(modern('tools/list').body, { ...modern('tools/list').headers, 'mcp-method': 'prompts/list' }),
      400,
      -32020,
    ],
    [
      'Mcp-Name unlike the body',
      () => {
        const m = modern('tools/call', { name: 'get_item', arguments: { id: 1 } })
        return post(m.body, { ...m.headers, 'mcp-name': 'delete_item' })
      },
      400,
      -32020,
    ],
    [
      'MCP-Protocol-Version unlike _meta',
      () => {
        const m = modern('tools/list')
        return post(m.body, { ...m.headers, 'mcp-protocol-version': '2025-11-25' })
      },
      400,
      -32020,
    ],
    [
      'an unsupported protocol version',
      () =>
        post(
          { jsonrpc: '2.0', id: 1, method: 'tools/list' },
          { 'content-type': 'application/json', 'mcp-protocol-version': '1900-01-01' },
        ),
      400,
      -32022,
    ],
    ['an unknown method', () => call('tools/frobnicate'), 404, -32601],
    [
      'a foreign Origin',
      () => post(modern('tools/list').body, { ...modern('tools/list').headers, origin: 'https://evil.example' }),
      403,
      null,
    ],
    [
      'a foreign Host (DNS rebinding)',
      () => post(modern('tools/list').body, { ...modern('tools/list').headers, host: 'evil.example' }),
      403,
      null,
    ],
    [
      'a body over the limit',
      () =>
        post(
          undefined,
          modern('tools/list').headers,
          JSON.stringify({ ...modern('tools/list').body, pad: 'x'.repeat(100_000) }),
        ),
      413,
      -32600,
    ],
  ]
  for (const [what, send, status, code] of cases) {
    it(`answers ${what} with ${status}`, async () => {
      const r = await send()
      expect(r.status).toBe(status)
      const body = r.json()
      expect(body.jsonrpc).toBe('2.0')
      if (code !== null) expect(body.error.code).toBe(code)
      else expect(typeof body.error.code).toBe('number')
      const still = await call('tools/list')
      expect(still.status).toBe(200)
      expect(still.json().result.tools.length).toBe(8)
    })
  }

  it('accepts an allowed Origin and names the supported versions in the -32022 data', async () => {
    const ok = await post(modern('tools/list').body, {
      ...modern('tools/list').headers,
      origin: 'https://allowed.example',
    })
    expect(ok.status).toBe(200)
    const r = await post(
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { 'content-type': 'application/json', 'mcp-protocol-version': '1900-01-01' },
    )
    expect(r.json().error.data).toEqual({
      supported: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'],
      requested: '1900-01-01',
    })
  })

  it('answers GET and DELETE with 405 and accepts a notification with 202', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const r = await request(`${running.url}/mcp`, { method })
      await r.body.dump()
      expect(r.statusCode).toBe(405)
      expect(r.headers.allow).toBe('POST')
    }
    const m = modern('notifications/initialized', {}, null)
    const r = await post(m.body, m.headers)
    expect(r.status).toBe(202)
  })

  it('decodes a Base64 Mcp-Name before comparing it with the body', async () => {
    const m = modern('tools/call', { name: 'get_item', arguments: { id: 1 } })
    const r = await post(m.body, {
      ...m.headers,
      'mcp-name': `=?base64?${Buffer.from('get_item').toString('base64')}?=`,
    })
    expect(r.status).toBe(200)
  })
})
