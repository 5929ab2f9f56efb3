// Routes whose handler runs on a @fasterapi/executor worker: params, query and body are parsed and
// validated here, on the event loop; the task gets them (with the resolved dependency values) in a worker,
// and its result is serialized on the way out. A client that leaves aborts the task.
import type { Executor, Task } from '@fasterapi/executor'
import { Future } from '@fasterapi/futures'
import type { RequestContext } from './context.ts'
import type { Dependency, DependencyMap } from './depends.ts'
import { HTTPException, RouteDefinitionError } from './errors.ts'
import { executorModule } from './internal/lazy.ts'
import type { HandlerArgs } from './route.ts'

/** What the task function receives. */
export interface OffloadInput<P = unknown, Q = unknown, B = unknown, D = unknown> {
  params: P
  query: Q
  body: B
  deps: D
}

export interface OffloadOptions {
  /** Higher runs first when tasks queue. @default 0 */
  priority?: number
  /** Aborts the task (answering 503) after this many ms. */
  timeout?: number
}

/** What an offloaded handler needs of the route's arguments: the route's validated values must fit the task's input. */
export interface OffloadArgs<I extends OffloadInput<any, any, any, any>> {
  params: I['params']
  query: I['query']
  body: I['body']
  deps: I['deps']
  request: RequestContext
  signal: AbortSignal
}

const kOffload = Symbol('offload')

type OffloadHandler = ((args: HandlerArgs<string, {}>) => unknown) & { [kOffload]: true }

/**
 * A handler that runs `task` on `executor` with the validated input. The task's input type is checked against
 * the route's schemas: a route whose body (params, query, deps) does not fit the task's input does not compile.
 * @example
 * const tasks = defineTasks<typeof import('./reports.ts')>(new URL('./reports.ts', import.meta.url))
 * app.post('/reports', { body: ReportRequest }, offload(executor, tasks.build))
 */
export function offload<I extends OffloadInput<any, any, any, any>, O>(
  executor: Executor,
  task: Task<I, O>,
  options: OffloadOptions = {},
): (args: OffloadArgs<NoInfer<I>>) => Future<O> {
  // the executor's module is loaded already (the caller built `executor` with it); the http package only
  // imports it here, so an app without offloaded routes never loads piscina
  void executorModule.load().catch(() => {})
  const run = (args: HandlerArgs<string, {}>, { findNotCloneable }: typeof import('@fasterapi/executor')) => {
    const input: OffloadInput = { params: { ...args.params }, query: args.query, body: args.body, deps: args.deps }
    const refused = findNotCloneable(input.deps, 'deps')
    if (refused !== undefined) {
      throw new Error(`A dependency value cannot be sent to a worker: ${refused.path} is ${refused.reason}`)
    }
    return executor
      .run(task, input as I, {
        signal: args.request.signal,
        ...(options.priority !== undefined && { priority: options.priority }),
        ...(options.timeout !== undefined && { timeout: options.timeout }),
      })
      .catch(toHttpError)
  }
  const handler = ((args: HandlerArgs<string, {}>) => {
    const loaded = executorModule.get()
    return loaded !== undefined ? run(args, loaded) : Future.from(executorModule.load()).then((m) => run(args, m))
  }) as OffloadHandler
  handler[kOffload] = true
  return handler as unknown as (args: OffloadArgs<NoInfer<I>>) => Future<O>
}

export function isOffloaded(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as Partial<OffloadHandler>)[kOffload] === true
}

/**
 * A dependency whose function is a generator holds a resource (a connection, a transaction) for the
 * request: such a value never crosses to a worker, so the route is refused when it is declared.
 */
export function checkOffloadDependencies(path: string, deps: DependencyMap): void {
  for (const [name, dep] of Object.entries(deps)) {
    const kind = (dep as Dependency<unknown>).fn.constructor.name
    if (kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction') {
      throw new RouteDefinitionError(
        `${path} runs its handler on a worker, but dependency "${name}" (${dep.name}) yields a resource that cannot cross threads: resolve it to plain data first`,
      )
    }
  }
}

// busy and timed-out pools are the server's state, not the client's fault: 503 with a hint when to retry;
// an error a task threw with an HTTP status keeps it
// (matched by the executor's stable codes, so this module needs none of its classes loaded)
function toHttpError(error: unknown): never {
  const code = (error as { code?: unknown })?.code
  if (code === 'EXECUTOR_QUEUE_FULL') {
    const retryAfter = (error as { retryAfter: number }).retryAfter
    throw new HTTPException(
      503,
      'The server is busy, try again later',
      { 'retry-after': String(retryAfter) },
      {
        cause: error,
      },
    )
  }
  if (code === 'EXECUTOR_TASK_TIMEOUT')
    throw new HTTPException(503, (error as Error).message, undefined, { cause: error })
  const status = (error as { status?: unknown })?.status
  if (typeof status === 'number' && status >= 400 && status < 600 && (error as Error).name === 'HTTPException') {
    const detail = (error as { detail?: unknown }).detail ?? (error as Error).message
    throw new HTTPException(status, detail, undefined, { cause: error })
  }
  throw error
}
