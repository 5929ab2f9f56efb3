import { defineTasks, Executor } from '@fasterapi/executor'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, Depends, listen, offload, type RunningServer } from '../src/index.ts'

const tasks = defineTasks<typeof import('./fixtures/offload-tasks.ts')>(
  new URL('./fixtures/offload-tasks.ts', import.meta.url),
)

describe('routes offloaded to the executor', () => {
  let server: RunningServer | undefined
  let executor: Executor | undefined
  afterEach(async () => {
    await server?.close()
    await executor?.close({ queued: 'reject' })
    server = undefined
    executor = undefined
  })

  function app(options: ConstructorParameters<typeof Executor>[0] = { threads: 1 }) {
    executor = new Executor(options)
    const a = new App({ logger: { error: () => {} } })
    const region = Depends(() => ({ name: 'eu' }))
    a.post(
      '/fib/{n:int}',
      { body: z.object({ extra: z.number().optional() }), deps: { region } },
      offload(executor, tasks.fib),
    )
    a.get('/echo/{id:int}', { query: z.object({ q: z.string() }), deps: { region } }, offload(executor, tasks.echo))
    a.post('/conflict', {}, offload(executor, tasks.conflict))
    a.get('/crash', {}, offload(executor, tasks.crash))
    a.get('/spin', { query: z.object({ ms: z.string() }) }, offload(executor, tasks.spin))
    a.get('/ping', () => 'pong')
    return a
  }

  it('keeps answering a cheap route while a CPU-bound route runs on a worker', async () => {
    server = await listen(app(), { port: 0 })
    const order: string[] = []
    const slow = request(`${server.url}/fib/32`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
      .then((r) => r.body.json())
      .then((body) => {
        order.push('fib')
        return body
      })
    await new Promise((r) => setTimeout(r, 5))
    const quick = await request(`${server.url}/ping`).then((r) => r.body.json())
    order.push('ping')
    expect(quick).toBe('pong')
    expect(await slow).toEqual({ n: 32, value: 2178309 })
    expect(order).toEqual(['ping', 'fib'])
  })

  it('validates on the event loop and hands the task the validated params, query, body and dependency values', async () => {
    server = await listen(app(), { port: 0 })
    const echo = await request(`${server.url}/echo/7?q=hi`)
    expect(await echo.body.json()).toEqual({ params: { id: 7 }, query: { q: 'hi' }, deps: { region: { name: 'eu' } } })
    const before = executor!.stats().completed
    const invalid = await request(`${server.url}/echo/7`)
    expect(invalid.statusCode).toBe(422)
    expect(executor!.stats().completed).toBe(before)
  })

  it('keeps the status of an HTTPException thrown in the worker, and answers a crashed worker with 500 for that request only', async () => {
    server = await listen(app(), { port: 0 })
    const conflict = await request(`${server.url}/conflict`, { method: 'POST' })
    expect(conflict.statusCode).toBe(409)
    expect(await conflict.body.json()).toEqual({ detail: 'that name is taken' })
    const crashed = await request(`${server.url}/crash`)
    expect(crashed.statusCode).toBe(500)
    expect(await crashed.body.json()).toEqual({ detail: 'Internal Server Error' })
    const after = await request(`${server.url}/fib/10`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"extra":1}',
    })
    expect(await after.body.json()).toEqual({ n: 10, value: 56 })
  })

  it('answers 503 with Retry-After when the executor queue is full', async () => {
    server = await listen(app({ threads: 1, maxQueue: 1 }), { port: 0 })
    const spins = Array.from({ length: 4 }, () => request(`${server!.url}/spin?ms=300`))
    const statuses = await Promise.all(spins.map(async (p) => (await p).statusCode))
    expect(statuses).toContain(503)
    expect(statuses).toContain(200)
    const busy = await Promise.all(spins).then((rs) => rs.find((r) => r.statusCode === 503)!)
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  })

  it('aborts the running task when the client goes away', async () => {
    server = await listen(app(), { port: 0 })
    const controller = new AbortController()
    const pending = request(`${server.url}/spin?ms=20000`, { signal: controller.signal }).catch(() => 'aborted')
    while (executor!.stats().running === 0) await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    expect(await pending).toBe('aborted')
    while (executor!.stats().cancelled === 0) await new Promise((r) => setTimeout(r, 10))
    expect(executor!.stats().cancelled).toBe(1)
    expect(
      (
        await request(`${server.url}/fib/5`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).statusCode,
    ).toBe(200)
  }, 15_000)

  it('refuses at registration a dependency that yields a resource, which cannot cross threads', () => {
    executor = new Executor({ threads: 1 })
    const db = Depends(async function* getDb() {
      yield { connection: 'socket' }
    })
    const a = new App()
    expect(() => a.get('/report', { deps: { db } }, offload(executor!, tasks.echo))).toThrow(
      /dependency "db" \(getDb\) yields a resource that cannot cross threads/,
    )
  })
})
