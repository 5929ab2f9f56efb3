// The wire format between the executor (main thread) and its runner (worker threads). Shared by both sides,
// so it holds constants and types only.

// Every executor shares memory with its workers (piscina's `workerData`), cut into one region per batch in
// flight (at most threads × 2). Region r owns fields [r × stride, (r + 1) × stride) of `states` and bytes
// [r × regionBytes, (r + 1) × regionBytes) of `results`. Its fields:
// - kThreadIdField: threadId of the worker that started the batch (0 until then), so the executor can
//   terminate exactly that worker;
// - kRunningField: slot + 1 of the task running now, 0 between tasks, kKilled once the executor decided to
//   terminate the worker for that task;
// - then kSlotFields per task: its state, and where its encoded result sits once it is kDone.
// State moves are Atomics.compareExchange, so each race has one winner: a task is either cancelled before it
// starts or started; a task is either stopped by terminating its worker or finished, and a worker marked
// kKilled starts nothing more (a neighbour never dies in place of the task that was aborted).
//
// Results are written into shared memory, not posted one message each: the executor reads them when the batch
// returns, and every HARVEST_MS while a batch of several tasks runs (so a fast task never waits for a slow
// neighbour); a result written before its worker died is still there to read, so a terminated or crashed
// worker never takes its neighbours' finished results with it.
// Measured with a trivial task at 1,000 in flight: one message per result ran at 40-110k tasks/s, one per
// batch at 300-420k/s, the main thread's message handling being the bottleneck.
export const kThreadIdField = 0
export const kRunningField = 1
export const kSlotsOffset = 2
export const kKilled = -1

// per task: [state, ok, kind, byte offset, byte length, run time in µs]
export const kSlotFields = 6
export const kState = 0
export const kOkField = 1
export const kKind = 2
export const kOffset = 3
export const kLength = 4
export const kRunMicros = 5

export const kPending = 0
export const kCancelled = 1
export const kStarted = 2
/** Finished, its result encoded in the region's bytes. */
export const kDone = 3

/** Where slot `slot` of the region at `base` starts in `states`. */
export function slotBase(base: number, slot: number): number {
  return base + kSlotsOffset + slot * kSlotFields
}

/** One piscina task: several executor tasks that run one after another on the same worker. */
export interface BatchMessage {
  id: number
  /** `moduleUrl#exportName` of the tasks in the batch, each once (a key is ~80 bytes to clone). */
  keys: string[]
  /** Index into `keys` of each task; absent when `keys` has one entry. */
  which: number[] | undefined
  inputs: unknown[]
  region: number
}

/**
 * What piscina carries to the runner: a batch, or a single task as a tuple (fewer objects to clone: measured
 * ~1.5 µs off a 20 µs round trip).
 */
export type WireBatch = BatchMessage | [id: number, region: number, key: string, input: unknown]

/** piscina's `workerData` for the runner. */
export interface SharedRegions {
  states: Int32Array
  results: SharedArrayBuffer
  stride: number
  regionBytes: number
  /** Added to each worker thread's nice value (Linux, where it is per thread). */
  niceIncrement: number
}

// Results that do not fit the region, carry transfers or cannot be encoded travel as a message instead:
// [kResultTag, batchId, slot, ok, value, runMs].
export const kResultTag = 'fx:r'
export const kOk = 1
export const kFailed = 0
export type ResultMessage = [
  tag: typeof kResultTag,
  batchId: number,
  slot: number,
  ok: 0 | 1,
  value: unknown,
  runMs: number,
]

// Marks a worker result whose ArrayBuffers move instead of being copied. A registered symbol, so the marker
// works whichever copy of this package (source or dist) a task module imported.
export const kTransfer = Symbol.for('@fasterapi/executor.transfer')
