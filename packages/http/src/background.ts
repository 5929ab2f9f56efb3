// FastAPI's BackgroundTasks: work a handler queues to run after its response is sent (a welcome e-mail, a
// cache refresh). A generator dependency: the code after its `yield` runs once the exchange is done, like any
// dependency cleanup, so the tasks run after the answer left, in the order they were added, and the app's
// shutdown and inject()'s `finished` wait for them with the other cleanups.
import { Depends } from './depends.ts'

/** The tasks of one request; receive it as a dependency and `add` to it. */
export interface BackgroundTasks {
  /** Queues `fn(...args)` to run after the response is sent. */
  add<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): this
  /** Tasks queued so far. */
  readonly size: number
}

/** One or more background tasks threw; each failure is listed with the task's function name. */
export class BackgroundTaskError extends Error {
  readonly code = 'HTTP_BACKGROUND_TASK'
  readonly failures: readonly { task: string; error: unknown }[]
  constructor(failures: { task: string; error: unknown }[]) {
    const names = failures.map((f) => f.task).join(', ')
    super(`Background task${failures.length > 1 ? 's' : ''} failed: ${names}`, {
      cause: failures.length === 1 ? failures[0]!.error : new AggregateError(failures.map((f) => f.error)),
    })
    this.name = 'BackgroundTaskError'
    this.failures = failures
  }
}

class TaskList implements BackgroundTasks {
  readonly #tasks: [(...args: any[]) => unknown, unknown[]][] = []

  add<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): this {
    if (typeof fn !== 'function') throw new TypeError('BackgroundTasks.add() needs a function')
    this.#tasks.push([fn as (...args: any[]) => unknown, args])
    return this
  }

  get size(): number {
    return this.#tasks.length
  }

  // one after another, each awaited; a failure is kept and the next task still runs
  async run(): Promise<void> {
    let failures: { task: string; error: unknown }[] | undefined
    for (let i = 0; i < this.#tasks.length; i++) {
      const [fn, args] = this.#tasks[i]!
      try {
        await fn(...args)
      } catch (error) {
        ;(failures ??= []).push({ task: fn.name || `task ${i + 1}`, error })
      }
    }
    if (failures !== undefined) throw new BackgroundTaskError(failures)
  }
}

/**
 * A dependency giving the request's `BackgroundTasks`. The tasks run after the response is sent, in order;
 * when the request fails (the handler or a dependency throws) they are dropped, as in FastAPI. A task's error
 * is logged through the app's logger with the request id (as a `BackgroundTaskError`), and the tasks after it
 * still run.
 * @example
 * app.post('/users', { body: User, deps: { tasks: BackgroundTasks } }, ({ body, deps }) => {
 *   deps.tasks.add(sendWelcomeEmail, body.email)
 *   return { ok: true }
 * })
 */
export const BackgroundTasks = Depends(async function* backgroundTasks(): AsyncGenerator<
  BackgroundTasks,
  void,
  unknown
> {
  const tasks = new TaskList()
  try {
    yield tasks
  } catch {
    return // the request failed: its error is the app's to report, and its tasks do not run
  }
  await tasks.run()
})
