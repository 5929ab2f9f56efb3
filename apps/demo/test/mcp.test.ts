// The demo's routes from a real MCP client: the SDK's client over HTTP against the app on a real port and a real
// PostgreSQL. Every wait is for an event (a progress notification, the job board's 'stopped'), never a duration.

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import type { RunningServer } from 'fasterapi'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Job, JobBoard } from '../src/jobs.ts'

const TOKEN = 'mcp-test-token'
let server: RunningServer
let board: JobBoard
const clients: Client[] = []

beforeAll(async () => {
  process.env.DATABASE_URL = inject('databaseUrl')
  process.env.API_TOKEN = TOKEN
  const { default: app, jobBoard } = await import('../src/main.ts')
  const { listen } = await import('fasterapi')
  board = jobBoard
  server = await listen(app, { port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {})
  await server?.close()
})

async function connect(headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'demo-e2e', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } }))
  clients.push(client)
  return client
}

const textOf = (result: { content?: unknown }) => (result.content as { type: string; text: string }[])[0]!.text

/** Resolves with the job once it leaves 'running' (listening before the job can stop). */
function stopped(id: () => number | undefined): Promise<Job> {
  return new Promise((resolve) => {
    const listener = (job: Job) => {
      if (job.id !== id()) return
      board.off('stopped', listener)
      resolve(job)
    }
    board.on('stopped', listener)
  })
}

describe('the demo over MCP (the SDK client, Streamable HTTP)', () => {
  it("lists the demo's routes as tools, the endless dashboard stream left out", async () => {
    const client = await connect()
    expect(client.getServerVersion()).toEqual({ name: 'fasterapi-demo', version: '1.0.0' })
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name)).toEqual([
      'count_primes',
      'create_item',
      'delete_item',
      'get_item',
      'get_job',
      'item_margin',
      'job_events',
      'list_items',
      'run_job',
      'start_job',
      'update_item',
    ])
    expect(tools.find((t) => t.name === 'create_item')!.inputSchema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string' }, price: { type: 'number' } },
      required: ['name', 'price'],
    })
    expect(JSON.stringify(tools)).not.toContain('$ref')
  })

  it('creates, reads, updates and deletes an item through the CRUD routes, without the internal cost', async () => {
    const client = await connect()
    const created = await client.callTool({
      name: 'create_item',
      arguments: { name: 'mcp lamp', price: 30, cost: 12, tags: ['light'] },
    })
    expect(created.isError).toBeFalsy()
    const item = created.structuredContent as { id: number }
    expect(item).toEqual({ id: expect.any(Number), name: 'mcp lamp', price: 30, tags: ['light'] })
    const updated = await client.callTool({ name: 'update_item', arguments: { id: item.id, price: 32 } })
    expect(updated.structuredContent).toEqual({ ...item, price: 32 })
    const listed = await client.callTool({ name: 'list_items', arguments: { q: 'mcp lamp' } })
    // an array answer has no output schema (MCP's structured content is an object): it comes as JSON text
    expect(listed.structuredContent).toBeUndefined()
    expect(JSON.parse(textOf(listed))).toEqual([{ ...item, price: 32 }])
    const deleted = await client.callTool({ name: 'delete_item', arguments: { id: item.id } })
    expect(deleted.isError).toBeFalsy()
    const gone = await client.callTool({ name: 'get_item', arguments: { id: item.id } })
    expect(gone.isError).toBe(true)
    expect(JSON.parse(textOf(gone))).toEqual({ detail: 'Item not found' })
  })

  it('forwards Authorization: the margin route refuses a call without the token and answers one with it', async () => {
    const anonymous = await connect()
    const item = (await anonymous.callTool({ name: 'create_item', arguments: { name: 'desk', price: 200, cost: 150 } }))
      .structuredContent as { id: number }
    const refused = await anonymous.callTool({ name: 'item_margin', arguments: { id: item.id } })
    expect(refused.isError).toBe(true)
    expect(JSON.parse(textOf(refused))).toEqual({ detail: 'Not authenticated' })
    const wrong = await connect({ authorization: 'Bearer not-the-token' })
    expect((await wrong.callTool({ name: 'item_margin', arguments: { id: item.id } })).isError).toBe(true)
    const signedIn = await connect({ authorization: `Bearer ${TOKEN}` })
    const margin = await signedIn.callTool({ name: 'item_margin', arguments: { id: item.id } })
    expect(margin.isError).toBeFalsy()
    expect(margin.structuredContent).toEqual({ id: item.id, price: 200, cost: 150, margin: 50 })
  })

  it('answers arguments that fail validation with a tool error carrying the 422 detail', async () => {
    const client = await connect()
    const result = await client.callTool({ name: 'create_item', arguments: { name: '', price: -1 } })
    expect(result.isError).toBe(true)
    const { detail } = JSON.parse(textOf(result)) as { detail: { loc: unknown[] }[] }
    expect(detail.map((d) => d.loc)).toEqual([
      ['body', 'name'],
      ['body', 'price'],
    ])
    const primes = await client.callTool({ name: 'count_primes', arguments: { below: 1 } })
    expect(primes.isError).toBe(true)
    expect(JSON.parse(textOf(primes)).detail[0].loc).toEqual(['query', 'below'])
  })

  it('runs the CPU route on the executor', async () => {
    const client = await connect()
    const result = await client.callTool({ name: 'count_primes', arguments: { below: 1000 } })
    expect(JSON.parse(textOf(result))).toEqual({ below: 1000, primes: 168 })
  })

  it("streams a job's steps as progress notifications, then the result", async () => {
    const client = await connect()
    const progress: { progress: number; message?: string }[] = []
    const result = await client.callTool(
      { name: 'run_job', arguments: { steps: 3 } },
      { onprogress: (p) => progress.push({ progress: p.progress, message: p.message }) },
    )
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4])
    const events = progress.map((p) => JSON.parse(p.message!))
    const id = events[0].id as number
    expect(events).toEqual([
      { id, step: 1, steps: 3, percent: 33 },
      { id, step: 2, steps: 3, percent: 67 },
      { id, step: 3, steps: 3, percent: 100 },
      { id, total: expect.any(Number) },
    ])
    expect(result.isError).toBeFalsy()
    expect(textOf(result)).toBe(progress.map((p) => p.message).join('\n'))
    const state = await client.callTool({ name: 'get_job', arguments: { id } })
    expect(state.structuredContent).toEqual({ id, status: 'done', step: 3, steps: 3 })
  })

  it('stops the job when the client cancels the call mid-way (the route signal aborts)', async () => {
    const client = await connect()
    const controller = new AbortController()
    let id: number | undefined
    const jobStopped = stopped(() => id)
    const call = client.callTool(
      { name: 'run_job', arguments: { steps: 50 } },
      {
        signal: controller.signal,
        onprogress: (p) => {
          if (id !== undefined) return
          id = JSON.parse(p.message!).id
          controller.abort(new Error('the user gave up'))
        },
      },
    )
    await expect(call).rejects.toThrow()
    const job = await jobStopped
    expect(job.status).toBe('cancelled')
    expect(job.step).toBeLessThan(50)
    expect(job.events.at(-1)).toEqual({ event: 'cancelled', json: { id, step: job.step } })
    // the job stays stopped: nothing runs after the cancellation
    const state = await client.callTool({ name: 'get_job', arguments: { id } })
    expect(state.structuredContent).toEqual({ id, status: 'cancelled', step: job.step, steps: 50 })
  })

  it('follows a background job started by another call to its end', async () => {
    const client = await connect()
    const started = await client.callTool({ name: 'start_job', arguments: { steps: 2 } })
    const { id } = JSON.parse(textOf(started)) as { id: number }
    const progress: string[] = []
    const result = await client.callTool(
      { name: 'job_events', arguments: { id } },
      { onprogress: (p) => progress.push(p.message!) },
    )
    expect(progress.map((m) => JSON.parse(m).step ?? 'done')).toEqual([1, 2, 'done'])
    expect(textOf(result).split('\n')).toHaveLength(3)
    const missing = await client.callTool({ name: 'job_events', arguments: { id: 999_999 } })
    expect(missing.isError).toBe(true)
    expect(JSON.parse(textOf(missing))).toEqual({ detail: 'No such job' })
  })
})
