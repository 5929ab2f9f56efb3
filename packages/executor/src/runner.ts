// The worker side: piscina loads this module in each worker thread and calls its default export once per
// batch. Tasks of a batch run one at a time, in order; batches queued on the same worker wait for the one
// before (piscina may deliver two, so a worker never idles for a round trip between batches). Running one task
// at a time per worker is what lets the executor stop a task by terminating its worker without touching
// another task that had started.
import { parentPort, type TransferListItem, threadId, workerData } from 'node:worker_threads'
import {
  type BatchMessage,
  kFailed,
  kOk,
  kPending,
  kResultTag,
  kRunningField,
  kSlotsOffset,
  kStarted,
  kThreadIdField,
  kTransfer,
  type ResultMessage,
  type RunnerData,
} from './protocol.ts'
import { serializeError } from './serialize-error.ts'

type Handler = (input: unknown) => unknown

const { states } = workerData as RunnerData
const handlers = new Map<string, Handler>()
let previous: Promise<unknown> = Promise.resolve()
// Set once the executor marked this worker kKilled: it is about to be terminated and starts nothing more.
// The slots it leaves pending are put back in the executor's queue.
let doomed = false

export default function runBatch(batch: BatchMessage): Promise<ResultMessage | undefined> {
  const next = previous.then(() => runInOrder(batch))
  previous = next.then(noop, noop)
  return next
}

async function runInOrder({ id, keys, which, inputs, base }: BatchMessage): Promise<ResultMessage | undefined> {
  Atomics.store(states, base + kThreadIdField, threadId)
  const last = inputs.length - 1
  let lastResult: ResultMessage | undefined
  for (let slot = 0; slot <= last && !doomed; slot++) {
    if (Atomics.compareExchange(states, base + kRunningField, 0, slot + 1) !== 0) {
      doomed = true
      break
    }
    // a slot the caller cancelled while it waited here is skipped
    if (Atomics.compareExchange(states, base + kSlotsOffset + slot, kPending, kStarted) === kPending) {
      const result = await runTask(id, slot, keys[which === undefined ? 0 : which[slot]!]!, inputs[slot])
      if (slot === last && isPlainData(result[4], 0)) lastResult = result
      else post(result)
    }
    if (Atomics.compareExchange(states, base + kRunningField, slot + 1, 0) !== slot + 1) doomed = true
  }
  return lastResult
}

async function runTask(id: number, slot: number, key: string, input: unknown): Promise<ResultMessage> {
  const start = performance.now()
  try {
    const handler = handlers.get(key) ?? (await loadHandler(key))
    let value = handler(input)
    if (isThenable(value)) value = await value
    return [kResultTag, id, slot, kOk, value, performance.now() - start]
  } catch (error) {
    return [kResultTag, id, slot, kFailed, serializeError(error), performance.now() - start]
  }
}

function post(result: ResultMessage): void {
  const value = result[4]
  const moved = result[3] === kOk && isTransferred(value)
  if (moved) result[4] = value.value
  try {
    parentPort!.postMessage(result, moved ? value.transferList : undefined)
  } catch (error) {
    // the value cannot be cloned (a function, a class with private state): the task fails, the worker lives
    result[3] = kFailed
    result[4] = serializeError(error)
    try {
      parentPort!.postMessage(result)
    } catch {
      // a thrown value that is neither an Error nor cloneable
      result[4] = serializeError(new TypeError(`The task threw a value that cannot be cloned: ${String(value)}`))
      parentPort!.postMessage(result)
    }
  }
}

async function loadHandler(key: string): Promise<Handler> {
  const hash = key.lastIndexOf('#')
  const moduleUrl = key.slice(0, hash)
  const exportName = key.slice(hash + 1)
  const module = (await import(moduleUrl)) as Record<string, unknown>
  const handler = module[exportName]
  if (typeof handler !== 'function') {
    throw new TypeError(`${moduleUrl} has no exported function "${exportName}"`)
  }
  handlers.set(key, handler as Handler)
  return handler as Handler
}

// Values that surely survive structured clone, checked in a bounded walk: piscina's worker dies on a return
// value it cannot post, so anything else goes through post(), which survives the failure.
const PLAIN_DATA_MAX_DEPTH = 3
function isPlainData(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'function' && typeof value !== 'symbol'
  if (depth === PLAIN_DATA_MAX_DEPTH || isTransferred(value)) return false
  if (Array.isArray(value)) {
    if (value.length > 16) return false
    for (const item of value) if (!isPlainData(item, depth + 1)) return false
    return true
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  let n = 0
  for (const key in value) {
    if (++n > 16 || !isPlainData((value as Record<string, unknown>)[key], depth + 1)) return false
  }
  return true
}

function noop(): void {}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}

function isTransferred(value: unknown): value is { value: unknown; transferList: TransferListItem[] } {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kTransfer] === true
}
