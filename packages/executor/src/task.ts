import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { TransferListItem } from 'node:worker_threads'
import { InvalidArgumentError } from './errors.ts'
import { kTransfer } from './protocol.ts'

/** A result whose listed ArrayBuffers (or ports) move to the caller instead of being copied. */
export interface Transferred<T> {
  readonly [kTransfer]: true
  readonly value: T
  readonly transferList: readonly TransferListItem[]
}

/** What a task function gives back, once awaited and unwrapped from `transferResult()`. */
export type TaskResult<R> = Awaited<R> extends Transferred<infer T> ? T : Awaited<R>

/**
 * A handle on a function exported by a module that workers import. It carries no code, only where to find
 * it: `moduleUrl` and `exportName`. Input and output types come from the function's signature.
 */
export interface Task<I, O> {
  readonly moduleUrl: string
  readonly exportName: string
  /** `moduleUrl#exportName`, the identity of the task on both sides of the thread boundary. */
  readonly key: string
  /** Type carrier only, never set: it ties the input and output types to the task (so it must stay in the .d.ts). */
  readonly __signature?: (input: I) => O
}

type AnyFunction = (input: any) => any
type TaskOf<F> = F extends (...args: infer A) => infer R ? Task<A extends [] ? undefined : A[0], TaskResult<R>> : never

/** One Task per function exported by the module `M`. */
export type TaskModule<M> = { readonly [K in keyof M as M[K] extends AnyFunction ? K : never]: TaskOf<M[K]> }

/**
 * Names one exported function of a worker module. The module path is resolved once, here; the worker
 * imports it as is (TypeScript modules run through Node's type stripping).
 * @example
 * const hash = defineTask<typeof import('./tasks.ts')['hash']>(new URL('./tasks.ts', import.meta.url), 'hash')
 */
export function defineTask<F extends AnyFunction>(moduleUrl: string | URL, exportName: string): TaskOf<F> {
  const url = normalizeModuleUrl(moduleUrl)
  return Object.freeze({ moduleUrl: url, exportName, key: `${url}#${exportName}` }) as TaskOf<F>
}

/**
 * Every function exported by a worker module, as tasks: the export name comes from property access, checked
 * by TypeScript, so the call site holds no string but the module's path.
 * @example
 * const tasks = defineTasks<typeof import('./tasks.ts')>(new URL('./tasks.ts', import.meta.url))
 * const digest = await executor.run(tasks.hash, { data })
 */
export function defineTasks<M>(moduleUrl: string | URL): TaskModule<M> {
  const url = normalizeModuleUrl(moduleUrl)
  const cache = new Map<string, Task<unknown, unknown>>()
  return new Proxy(Object.create(null), {
    get(_target, name) {
      if (typeof name !== 'string') return undefined
      let task = cache.get(name)
      if (task === undefined) {
        task = Object.freeze({ moduleUrl: url, exportName: name, key: `${url}#${name}` })
        cache.set(name, task)
      }
      return task
    },
  }) as TaskModule<M>
}

/**
 * Returned from a task function: `value` reaches the caller with the buffers in `transferList` moved, not
 * copied. The caller receives `value` itself.
 * @example
 * export function resize(input: Uint8Array) { const out = work(input); return transferResult(out, [out.buffer]) }
 */
export function transferResult<T>(value: T, transferList: readonly TransferListItem[]): Transferred<T> {
  return { [kTransfer]: true, value, transferList }
}

function normalizeModuleUrl(moduleUrl: string | URL): string {
  const href = typeof moduleUrl === 'string' ? moduleUrl : moduleUrl.href
  if (/^(file|data):/.test(href)) return href
  if (isAbsolute(href)) return pathToFileURL(href).href
  throw new InvalidArgumentError(
    `A task module must be an absolute path or a file: URL, got "${href}" (use new URL('./tasks.ts', import.meta.url))`,
  )
}
