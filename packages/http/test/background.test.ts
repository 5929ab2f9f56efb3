import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { App, BackgroundTaskError, BackgroundTasks, HTTPException, listen, type RunningServer } from '../src/index.ts'

function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

interface Logged {
  details: { err?: unknown; requestId?: string }
  message: string | undefined
}

function appWithTasks(gate: Promise<void>, ran: string[], done?: () => void) {
  const app = new App()
  app.post('/signup', { deps: { tasks: BackgroundTasks } }, ({ deps }) => {
    deps.tasks
      .add(async function first(name: string) {
        await gate
        ran.push(`first ${name}`)
      }, 'ada')
      .add((n: number) => {
        ran.push(`second ${n}`)
        done?.()
      }, 2)
    ran.push(`handler queued ${deps.tasks.size}`)
    return { ok: true }
  })
  return app
}

describe('BackgroundTasks', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('runs the tasks in order after the response is sent (in-process), and finished waits for them', async () => {
    const gate = deferred()
    const ran: string[] = []
    const app = appWithTasks(gate.promise, ran)
    const r = await app.inject({ method: 'POST', url: '/signup' })
    // the answer is here while the first task still waits on its gate
    expect(r.json()).toEqual({ ok: true })
    expect(ran).toEqual(['handler queued 2'])
    gate.resolve()
    await r.finished
    expect(ran).toEqual(['handler queued 2', 'first ada', 'second 2'])
  })

  it('runs the tasks after the response has reached a client over a real socket', async () => {
    const gate = deferred()
    const ran: string[] = []
    const last = deferred()
    const app = appWithTasks(gate.promise, ran, last.resolve)
    server = await listen(app, { port: 0 })
    const r = await request(`${server.url}/signup`, { method: 'POST' })
    expect(await r.body.json()).toEqual({ ok: true }) // the whole body arrived; the first task is still blocked
    expect(ran).toEqual(['handler queued 2'])
    gate.resolve()
    await last.promise
    expect(ran).toEqual(['handler queued 2', 'first ada', 'second 2'])
  })

  it('logs a failing task with the request id through the app logger, and runs the tasks after it', async () => {
    const ran: string[] = []
    const logged: Logged[] = []
    const app = new App({ logger: { error: (details, message) => logged.push({ details, message }) } })
    app.get('/x', { deps: { tasks: BackgroundTasks } }, ({ deps }) => {
      deps.tasks
        .add(function failing() {
          throw new Error('smtp down')
        })
        .add(() => void ran.push('after'))
      return 'ok'
    })
    const r = await app.inject({ url: '/x', headers: { 'x-request-id': 'req-signup-1' } })
    expect(r.status).toBe(200)
    await r.finished
    expect(ran).toEqual(['after'])
    expect(logged).toHaveLength(1)
    const { details } = logged[0]!
    expect(details.requestId).toBe('req-signup-1')
    expect(details.err).toBeInstanceOf(BackgroundTaskError)
    const err = details.err as BackgroundTaskError
    expect(err.code).toBe('HTTP_BACKGROUND_TASK')
    expect(err.failures.map((f) => f.task)).toEqual(['failing'])
    expect((err.cause as Error).message).toBe('smtp down')
  })

  it('drops the tasks of a request that failed', async () => {
    const ran: string[] = []
    const logged: Logged[] = []
    const app = new App({ logger: { error: (details, message) => logged.push({ details, message }) } })
    app.get('/x', { deps: { tasks: BackgroundTasks } }, ({ deps }) => {
      deps.tasks.add(() => void ran.push('should not run'))
      throw new HTTPException(409, 'taken')
    })
    const r = await app.inject('/x')
    expect(r.status).toBe(409)
    await r.finished
    expect(ran).toEqual([])
    expect(logged).toEqual([])
  })

  it('gives each request its own list, shared by the dependencies of one request', async () => {
    const sizes: number[] = []
    const app = new App()
    const audit = BackgroundTasks
    app.get('/x', { deps: { tasks: BackgroundTasks, again: audit } }, ({ deps }) => {
      deps.tasks.add(() => {})
      sizes.push(deps.again.size)
      return deps.tasks === deps.again
    })
    expect((await app.inject('/x')).json()).toBe(true)
    expect((await app.inject('/x')).json()).toBe(true)
    expect(sizes).toEqual([1, 1])
  })

  it('server close waits for tasks of answered requests before the shutdown hooks run', async () => {
    const gate = deferred()
    const ran: string[] = []
    const app = appWithTasks(gate.promise, ran)
    app.onEvent('shutdown', () => void ran.push('shutdown hook'))
    server = await listen(app, { port: 0 })
    const r = await request(`${server.url}/signup`, { method: 'POST' })
    expect(await r.body.json()).toEqual({ ok: true })
    const closing = server.close()
    server = undefined
    let closed = false
    void closing.then(() => (closed = true))
    // the first task is blocked: close must still be waiting for it (a macrotask lets any settled chain run)
    await new Promise((resolve) => setImmediate(resolve))
    expect(closed).toBe(false)
    gate.resolve()
    await closing
    expect(ran).toEqual(['handler queued 2', 'first ada', 'second 2', 'shutdown hook'])
  })

  it('shutdown stops waiting at its deadline, logs the unfinished work, and still runs the hooks', async () => {
    const logged: Logged[] = []
    const app = new App({ logger: { error: (details, message) => logged.push({ details, message }) } })
    const ran: string[] = []
    app.onEvent('shutdown', () => void ran.push('shutdown hook'))
    app.get('/x', { deps: { tasks: BackgroundTasks } }, ({ deps }) => {
      deps.tasks.add(() => new Promise<void>(() => {})) // never ends
      return 'ok'
    })
    expect((await app.inject('/x')).status).toBe(200)
    await app.shutdown(50)
    expect(ran).toEqual(['shutdown hook'])
    expect(logged.map((l) => l.message)).toEqual(['shutdown did not wait for unfinished background work'])
  })

  it('refuses a task that is not a function, and types the arguments', () => {
    const app = new App()
    app.get('/x', { deps: { tasks: BackgroundTasks } }, ({ deps }) => {
      // @ts-expect-error the arguments must match the task's parameters
      deps.tasks.add((a: string) => a, 1)
      return null
    })
    app.get('/y', { deps: { tasks: BackgroundTasks } }, ({ deps }) => {
      deps.tasks.add('nope' as never)
      return null
    })
    return app.inject('/y').then((r) => expect(r.status).toBe(500))
  })
})
