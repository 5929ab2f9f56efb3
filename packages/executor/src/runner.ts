// The worker side: piscina loads this module in each worker thread and calls its default export once per
// batch. Tasks of a batch run one at a time, in order; batches queued on the same worker wait for the one
// before (piscina may deliver two, so a worker never idles for a round trip between batches). Running one task
// at a time per worker is what lets the executor stop a task by terminating its worker without touching
// another task that had started.
import { getPriority, setPriority } from 'node:os'
import { parentPort, type TransferListItem, threadId, workerData } from 'node:worker_threads'
import {
  type BatchMessage,
  kDone,
  kFailed,
  kOk,
  kPending,
  kResultTag,
  kRunningField,
  kStarted,
  kState,
  kThreadIdField,
  kTransfer,
  type ResultMessage,
  type SharedRegions,
  slotBase,
} from './protocol.ts'
import { ResultSlots } from './result-slots.ts'
import { serializeError } from './serialize-error.ts'

type Handler = (input: unknown) => unknown

const shared = workerData as SharedRegions
const slots = new ResultSlots(shared)
const { states } = slots
const handlers = new Map<string, Handler>()
lowerPriority(shared.niceIncrement)
let previous: Promise<unknown> = Promise.resolve()
// Set once the executor marked this worker kKilled: it is about to be terminated and starts nothing more.
// The slots it leaves pending are put back in the executor's queue.
let doomed = false

export default function runBatch(batch: BatchMessage): Promise<void> {
  const next = previous.then(() => runInOrder(batch))
  previous = next.then(noop, noop)
  return next
}

async function runInOrder({ id, keys, which, inputs, region }: BatchMessage): Promise<void> {
  const base = region * shared.stride
  Atomics.store(states, base + kThreadIdField, threadId)
  let used = 0
  for (let slot = 0; slot < inputs.length && !doomed; slot++) {
    if (Atomics.compareExchange(states, base + kRunningField, 0, slot + 1) !== 0) {
      doomed = true
      break
    }
    const field = slotBase(base, slot)
    // a slot the caller cancelled while it waited here is skipped
    if (Atomics.compareExchange(states, field + kState, kPending, kStarted) === kPending) {
      const result = await runTask(id, slot, keys[which === undefined ? 0 : which[slot]!]!, inputs[slot])
      const after = isTransferred(result[4])
        ? -1
        : slots.write(region, used, field, result[3] === kOk, result[4], result[5])
      if (after < 0) post(result)
      else {
        used = after
        Atomics.store(states, field + kState, kDone)
      }
    }
    if (Atomics.compareExchange(states, base + kRunningField, slot + 1, 0) !== slot + 1) doomed = true
  }
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

// Results that shared memory cannot hold: large ones, transfers, and values the serializer refuses (which
// fail the task here, with the clone error, while the worker lives on).
function post(result: ResultMessage): void {
  const value = result[4]
  const moved = result[3] === kOk && isTransferred(value)
  if (moved) result[4] = value.value
  try {
    parentPort!.postMessage(result, moved ? value.transferList : undefined)
  } catch (error) {
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

// On Linux a nice value belongs to a thread, and setPriority(0) is this worker thread only: the event loop
// of the main thread keeps its priority and wins the CPU from workers when cores are short. Elsewhere
// setPriority(0) would slow the whole process down, so it is left alone.
function lowerPriority(increment: number): void {
  if (increment <= 0 || process.platform !== 'linux') return
  try {
    setPriority(0, Math.min(19, getPriority(0) + increment))
  } catch {
    // not permitted here (some containers): run at the normal priority
  }
}

function noop(): void {}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}

function isTransferred(value: unknown): value is { value: unknown; transferList: TransferListItem[] } {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kTransfer] === true
}
