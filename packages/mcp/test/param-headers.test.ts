// Custom headers from tool parameters (2026-07-28): arguments annotated `x-mcp-header` must be mirrored into
// `Mcp-Param-*` headers, and the server rejects a call whose headers are missing, malformed or unlike the body.
import { App, listen, type RunningServer } from '@fasterapi/http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { McpConfigError, mcp } from '../src/index.ts'
import { modern, post } from './fixtures/wire.ts'

let running: RunningServer
const b64 = (s: string) => `=?base64?${Buffer.from(s).toString('base64')}?=`

beforeAll(async () => {
  const app = new App({ title: 'regions', logger: { error: () => {} } })
  mcp(app)
  app.post(
    '/deploy',
    {
      name: 'deploy',
      body: z.object({
        region: z.string().meta({ 'x-mcp-header': 'Region' }),
        replicas: z.number().int().meta({ 'x-mcp-header': 'Replicas' }).optional(),
        canary: z.boolean().meta({ 'x-mcp-header': 'Canary' }).optional(),
        target: z.object({ zone: z.string().meta({ 'x-mcp-header': 'Zone' }) }).optional(),
      }),
    },
    ({ body }) => body,
  )
  running = await listen(app, { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await running?.close()
})

async function deploy(args: Record<string, unknown>, params: Record<string, string> = {}) {
  const m = modern('tools/call', { name: 'deploy', arguments: args })
  return post(`${running.url}/mcp`, m.body, { ...m.headers, ...params })
}

function expectMismatch(r: Awaited<ReturnType<typeof deploy>>, message: RegExp) {
  expect(r.status).toBe(400)
  expect(r.json()).toMatchObject({ id: 1, error: { code: -32020 } })
  expect(r.json().error.message).toMatch(message)
}

describe('x-mcp-header parameters', () => {
  it('keeps the annotations in the tool input schema, nested ones included', async () => {
    const m = modern('tools/list')
    const { result } = (await post(`${running.url}/mcp`, m.body, m.headers)).json()
    expect(result.tools[0].inputSchema.properties).toMatchObject({
      region: { type: 'string', 'x-mcp-header': 'Region' },
      replicas: { type: 'integer', 'x-mcp-header': 'Replicas' },
      canary: { type: 'boolean', 'x-mcp-header': 'Canary' },
      target: { properties: { zone: { 'x-mcp-header': 'Zone' } } },
    })
  })

  it('accepts headers that mirror the arguments: plain, Base64-wrapped, integers, booleans and nested', async () => {
    const plain = await deploy({ region: 'eu-west-1' }, { 'mcp-param-region': 'eu-west-1' })
    expect(plain.status).toBe(200)
    expect(plain.json().result.structuredContent ?? JSON.parse(plain.json().result.content[0].text)).toEqual({
      region: 'eu-west-1',
    })
    const all = await deploy(
      { region: 'Zürich', replicas: 3, canary: false, target: { zone: 'b' } },
      {
        'mcp-param-region': b64('Zürich'),
        'mcp-param-replicas': '3',
        'mcp-param-canary': 'false',
        'mcp-param-zone': 'b',
      },
    )
    expect(all.status).toBe(200)
    expect(all.json().result.isError).toBeUndefined()
  })

  it('treats a value without the whole =?base64?…?= wrapper as literal', async () => {
    const value = '=?base64?SGVsbG8='
    expect((await deploy({ region: value }, { 'mcp-param-region': value })).status).toBe(200)
  })

  it('rejects a missing header, a different value, bad Base64 and a header without its argument (400, -32020)', async () => {
    expectMismatch(await deploy({ region: 'eu' }), /Mcp-Param-Region header is missing/)
    expectMismatch(
      await deploy({ region: 'eu' }, { 'mcp-param-region': 'us' }),
      /'us' does not match argument value 'eu'/,
    )
    expectMismatch(await deploy({ region: 'Hello' }, { 'mcp-param-region': '=?base64?SGVsbG8?=' }), /not valid Base64/)
    expectMismatch(
      await deploy({ region: 'Hello' }, { 'mcp-param-region': '=?base64?SGVs!!!bG8=?=' }),
      /not valid Base64/,
    )
    expectMismatch(
      await deploy({ region: 'eu', replicas: 2 }, { 'mcp-param-region': 'eu', 'mcp-param-replicas': '3' }),
      /Replicas/,
    )
    expectMismatch(
      await deploy({ region: 'eu' }, { 'mcp-param-region': 'eu', 'mcp-param-canary': 'true' }),
      /Mcp-Param-Canary is set but the argument 'canary' is absent/,
    )
    // and the server still serves
    expect((await deploy({ region: 'eu' }, { 'mcp-param-region': 'eu' })).status).toBe(200)
  })

  it('does not ask 2025-era clients for the headers', async () => {
    const r = await post(
      `${running.url}/mcp`,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'deploy', arguments: { region: 'eu' } } },
      { 'content-type': 'application/json', accept: 'application/json', 'mcp-protocol-version': '2025-11-25' },
    )
    expect(r.status).toBe(200)
    expect(r.json().result.isError).toBeUndefined()
  })
})

describe('x-mcp-header declarations that break the spec', () => {
  const toolsOf = (body: z.ZodType) => {
    const app = new App()
    const server = mcp(app)
    app.post('/t', { name: 't', body }, () => null)
    return () => server.tools()
  }

  it('refuses a name that is not an HTTP token, a number-typed parameter, and a name used twice', () => {
    expect(toolsOf(z.object({ a: z.string().meta({ 'x-mcp-header': 'Bad Name' }) }))).toThrow(McpConfigError)
    expect(toolsOf(z.object({ a: z.number().meta({ 'x-mcp-header': 'A' }) }))).toThrow(/string, integer or boolean/)
    expect(
      toolsOf(z.object({ a: z.string().meta({ 'x-mcp-header': 'Id' }), b: z.string().meta({ 'x-mcp-header': 'ID' }) })),
    ).toThrow(/declared twice/)
  })
})
