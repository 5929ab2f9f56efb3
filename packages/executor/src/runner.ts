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
  type WireBatch,
} from './protocol.ts'
import { ResultSlots } from './result-slots.ts'
import { serializeError } from './serialize-error.ts'

type Handler = (input: unknown) => unknown

const shared = workerData as SharedRegions
const slots = new ResultSlots(shared)
const { states } = slots
const handlers = new Map<string, Handler>()
lowerPriority(shared.niceIncrement)
// Set once the executor marked this worker kKilled: it is about to be terminated and starts nothing more.
// The slots it leaves pending are put back in the executor's queue.
let doomed = false
// The batch running asynchronously (a task returned a promise) and those queued behind it; undefined when idle
let tail: Promise<void> | undefined
// bytes of the current batch's region holding results; batches on a worker run one at a time
let used = 0

/** Runs a batch; synchronous tasks run without a microtask hop, to keep the round trip short. */
export default function runBatch(wire: WireBatch): Promise<void> | undefined {
  const batch: BatchMessage = Array.isArray(wire)
    ? { id: wire[0], region: wire[1], keys: [wire[2]], which: undefined, inputs: [wire[3]] }
    : wire
  if (tail !== undefined) return queue(tail.then(() => runFrom(batch, 0)))
  const pending = runFrom(batch, 0)
  return pending === undefined ? undefined : queue(pending)
}

function queue(pending: Promise<void>): Promise<void> {
  const idle = () => {
    if (tail === next) tail = undefined
  }
  const next: Promise<void> = pending.then(idle, idle)
  tail = next
  return pending
}

function runFrom(batch: BatchMessage, first: number): Promise<void> | undefined {
  const { keys, which, inputs, region } = batch
  if (first === 0) {
    for (const key of keys) {
      if (!handlers.has(key)) return Promise.all(keys.map(loadHandler)).then(() => runFrom(batch, 0))
    }
    used = 0
  }
  const base = region * shared.stride
  Atomics.store(states, base + kThreadIdField, threadId)
  for (let slot = first; slot < inputs.length && !doomed; slot++) {
    if (Atomics.compareExchange(states, base + kRunningField, 0, slot + 1) !== 0) {
      doomed = true
      break
    }
    const field = slotBase(base, slot)
    // a slot the caller cancelled while it waited here is skipped
    if (Atomics.compareExchange(states, field + kState, kPending, kStarted) !== kPending) {
      endTask(base, slot)
      continue
    }
    const handler = handlers.get(keys[which === undefined ? 0 : which[slot]!]!)!
    const start = performance.now()
    let value: unknown
    try {
      value = handler(inputs[slot])
    } catch (error) {
      finish(batch, slot, kFailed, serializeError(error), start)
      continue
    }
    if (isThenable(value)) {
      return Promise.resolve(value).then(
        (resolved) => {
          finish(batch, slot, kOk, resolved, start)
          return runFrom(batch, slot + 1)
        },
        (error: unknown) => {
          finish(batch, slot, kFailed, serializeError(error), start)
          return runFrom(batch, slot + 1)
        },
      )
    }
    finish(batch, slot, kOk, value, start)
  }
  return undefined
}

// Records a task's outcome (in shared memory, or posted when it cannot go there), then frees the worker.
function finish(batch: BatchMessage, slot: number, ok: 0 | 1, value: unknown, start: number): void {
  const runMs = performance.now() - start
  const base = batch.region * shared.stride
  const field = slotBase(base, slot)
  const after =
    ok === kOk && isTransferred(value) ? -1 : slots.write(batch.region, used, field, ok === kOk, value, runMs)
  if (after < 0) post([kResultTag, batch.id, slot, ok, value, runMs])
  else {
    used = after
    Atomics.store(states, field + kState, kDone)
  }
  endTask(base, slot)
}

function endTask(base: number, slot: number): void {
  if (Atomics.compareExchange(states, base + kRunningField, slot + 1, 0) !== slot + 1) doomed = true
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

// Loads the export behind `key` once; when that fails, the task (and any later one with that key) fails with
// the reason instead.
async function loadHandler(key: string): Promise<void> {
  if (handlers.has(key)) return
  const hash = key.lastIndexOf('#')
  const moduleUrl = key.slice(0, hash)
  const exportName = key.slice(hash + 1)
  try {
    const handler = ((await import(moduleUrl)) as Record<string, unknown>)[exportName]
    if (typeof handler !== 'function') throw new TypeError(`${moduleUrl} has no exported function "${exportName}"`)
    handlers.set(key, handler as Handler)
  } catch (error) {
    handlers.set(key, () => {
      throw error
    })
  }
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

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}

function isTransferred(value: unknown): value is { value: unknown; transferList: TransferListItem[] } {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kTransfer] === true
}
