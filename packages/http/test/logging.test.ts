import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { App, HTTPException } from '../src/index.ts'
import { type Client, transports } from './helpers/transports.ts'

function capture() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  return { lines, logger: pino(stream) }
}

describe.each(transports)('request logs through pino (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it('writes one structured line per request with the request id and status', async () => {
    const { lines, logger } = capture()
    const app = new App({ logger, logRequests: true })
    app.get('/ok', () => 'fine')
    app.get('/teapot', () => {
      throw new HTTPException(418)
    })
    client = await open(app)
    await client.request({ path: '/ok', headers: { 'x-request-id': 'trace-1' } })
    await client.request({ path: '/teapot' })
    for (let i = 0; i < 100 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 5))
    expect(lines.map((l) => [l.msg, l.requestId, l.method, l.path, l.status])).toEqual([
      ['request', 'trace-1', 'GET', '/ok', 200],
      ['request', expect.stringMatching(/^req-/), 'GET', '/teapot', 418],
    ])
    expect(typeof lines[0]!.ms).toBe('number')
  })

  it('logs an unexpected error with its stack and the request id, and nothing per request when off', async () => {
    const { lines, logger } = capture()
    const app = new App({ logger })
    app.get('/boom', () => {
      throw new Error('kaput')
    })
    client = await open(app)
    await client.request({ path: '/boom', headers: { 'x-request-id': 'trace-2' } })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 50, requestId: 'trace-2', err: { message: 'kaput' } })
    expect(String((lines[0]!.err as { stack: string }).stack)).toContain('logging.test.ts')
  })
})
