import { App, listen } from '@fasterapi/http'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { installAppMcp } from '../src/app-method.ts'
import { McpConfigError, McpServer, mcp } from '../src/index.ts'

describe('app.mcp(options)', () => {
  it('is installed by importing the package and mounts like mcp(app, options)', async () => {
    const app = new App({ title: 'method', version: '2.0.0' })
    const server = app.mcp({ path: '/tools', instructions: 'Adds numbers.' })
    expect(server).toBeInstanceOf(McpServer)
    expect(server.path).toBe('/tools')
    expect(server.app).toBe(app)
    // declared after mounting, like any route: the tool set is computed at startup
    app.get(
      '/add',
      { name: 'add', summary: 'Adds a and b', query: z.object({ a: z.coerce.number(), b: z.coerce.number() }) },
      ({ query }) => ({
        sum: query.a + query.b,
      }),
    )
    const running = await listen(app, { port: 0, host: '127.0.0.1' })
    const client = new Client({ name: 'method-test', version: '1.0.0' })
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/tools`)))
      expect(client.getServerVersion()).toEqual({ name: 'method', version: '2.0.0' })
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add'])
      const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })
      expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toEqual({ sum: 5 })
    } finally {
      await client.close().catch(() => {})
      await running.close()
    }
  })

  it('is not an own enumerable property: App instances and their keys are unchanged', () => {
    const app = new App()
    expect(Object.keys(app)).not.toContain('mcp')
    expect(Object.getOwnPropertyDescriptor(App.prototype, 'mcp')).toMatchObject({ enumerable: false })
  })

  it('installs once: a second install keeps the method, a foreign App.prototype.mcp is a config error', () => {
    const ours = Object.getOwnPropertyDescriptor(App.prototype, 'mcp')!
    installAppMcp()
    expect(Object.getOwnPropertyDescriptor(App.prototype, 'mcp')!.value).toBe(ours.value)
    try {
      Object.defineProperty(App.prototype, 'mcp', { value: () => 'someone else', configurable: true })
      expect(() => installAppMcp()).toThrow(McpConfigError)
    } finally {
      Object.defineProperty(App.prototype, 'mcp', ours)
    }
  })

  it('gives the same server shape as the function form', () => {
    const a = new App({ title: 'same' })
    const b = new App({ title: 'same' })
    expect(a.mcp({ path: '/m' }).name).toBe(mcp(b, { path: '/m' }).name)
  })
})
