import { listen, type RunningServer } from '@fasterapi/http'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Shop, shop } from './fixtures/shop.ts'

let fixture: Shop
let running: RunningServer
const clients: Client[] = []

async function connect(headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), { requestInit: { headers } }))
  clients.push(client)
  return client
}

beforeAll(async () => {
  fixture = shop()
  running = await listen(fixture.app, { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {})
  await running?.close()
})

describe('the SDK client over HTTP', () => {
  it('initializes statelessly and lists the tools in name order, including a route added after mounting', async () => {
    const client = await connect()
    expect(client.getServerVersion()).toEqual({ name: 'shop', version: '1.0.0' })
    expect(client.getInstructions()).toBe('A small shop.')
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name)).toEqual([
      'boom',
      'count_to',
      'create_item',
      'delete_item',
      'get_item',
      'lines',
      'slow',
      'who_am_i',
    ])
    const create = tools.find((t) => t.name === 'create_item')!
    expect(create.description).toBe('Add an item')
    expect(create.inputSchema).toMatchObject({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, description: 'What it is called' },
        price: { type: 'number' },
      },
      required: ['name', 'price'],
    })
    expect(JSON.stringify(tools)).not.toContain('$ref')
    expect(tools.find((t) => t.name === 'get_item')!.inputSchema).toMatchObject({
      properties: { id: { type: 'integer' } },
      required: ['id'],
    })
  })

  it('calls a tool through the route and returns its structured result', async () => {
    const client = await connect()
    const result = await client.callTool({ name: 'create_item', arguments: { name: 'chair', price: 35 } })
    expect(result.isError).toBeFalsy()
    expect(result.structuredContent).toEqual({ id: 2, name: 'chair', price: 35 })
    const got = await client.callTool({ name: 'get_item', arguments: { id: 2 } })
    expect(got.structuredContent).toEqual({ id: 2, name: 'chair', price: 35 })
  })

  it('answers a validation failure as a tool error with the 422 detail', async () => {
    const client = await connect()
    const result = await client.callTool({ name: 'create_item', arguments: { name: '', price: -1 } })
    expect(result.isError).toBe(true)
    const detail = JSON.parse((result.content as { text: string }[])[0]!.text).detail
    expect(detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ['body', 'name'],
      ['body', 'price'],
    ])
  })

  it('forwards Authorization to the route and fails without it', async () => {
    const anonymous = await connect()
    const refused = await anonymous.callTool({ name: 'who_am_i', arguments: {} })
    expect(refused.isError).toBe(true)
    expect((refused.content as { text: string }[])[0]!.text).toContain('Not authenticated')
    const signedIn = await connect({ authorization: 'Bearer s3cret' })
    const me = await signedIn.callTool({ name: 'who_am_i', arguments: {} })
    expect(me.isError).toBeFalsy()
    expect(JSON.parse((me.content as { text: string }[])[0]!.text)).toEqual({ user: 'ada' })
  })

  it('answers a 5xx as a tool error without internals', async () => {
    const client = await connect()
    const result = await client.callTool({ name: 'boom', arguments: {} })
    expect(result.isError).toBe(true)
    expect(JSON.stringify(result)).not.toContain('hunter2')
    expect((result.content as { text: string }[])[0]!.text).toContain('HTTP 500')
  })

  it('streams an event-stream route as progress notifications, then the result', async () => {
    const client = await connect()
    const progress: { progress: number; message?: string }[] = []
    const result = await client.callTool(
      { name: 'count_to', arguments: { n: 3 } },
      {
        onprogress: (p) => progress.push({ progress: p.progress, message: p.message }),
      },
    )
    expect(progress).toEqual([
      { progress: 1, message: '1' },
      { progress: 2, message: '2' },
      { progress: 3, message: '3' },
    ])
    expect((result.content as { text: string }[])[0]!.text).toBe('1\n2\n3')
  })

  it('aborts the route signal when the client cancels the call', async () => {
    const client = await connect()
    const controller = new AbortController()
    const call = client.callTool({ name: 'slow', arguments: {} }, { signal: controller.signal })
    await fixture.slowStarted
    controller.abort(new Error('user gave up'))
    await expect(call).rejects.toThrow()
    await expect(fixture.slowAborted).resolves.toBeDefined()
  })

  it('lists and reads resources and gets prompts', async () => {
    const client = await connect()
    const { resourceTemplates } = await client.listResourceTemplates()
    expect(resourceTemplates).toEqual([
      { name: 'doc', uriTemplate: 'app://shop/docs/{slug}', description: 'A help page' },
    ])
    const read = await client.readResource({ uri: 'app://shop/docs/returns' })
    expect(read.contents[0]).toMatchObject({ uri: 'app://shop/docs/returns', mimeType: 'application/json' })
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual({
      title: 'Returns',
      body: 'Within 30 days.',
    })
    await expect(client.readResource({ uri: 'app://shop/docs/missing' })).rejects.toThrow(/not found/i)
    const { prompts } = await client.listPrompts()
    expect(prompts).toEqual([
      {
        name: 'describeItem',
        description: 'Asks for a description of an item',
        arguments: [{ name: 'id', description: 'The item id', required: true }],
      },
    ])
    const prompt = await client.getPrompt({ name: 'describeItem', arguments: { id: '7' } })
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Describe item 7.' } }])
  })
})
