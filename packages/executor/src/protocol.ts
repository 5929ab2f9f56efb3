// The wire format between the executor (main thread) and its runner (worker threads). Shared by both sides,
// so it holds constants and types only.

// Every executor shares one Int32Array over a SharedArrayBuffer with its workers (piscina's `workerData`),
// cut into one region per batch in flight. A region holds, from its `base`:
// - kThreadIdField: threadId of the worker that started the batch (0 until then), so the executor can
//   terminate exactly that worker;
// - kRunningField: slot + 1 of the task running now, 0 between tasks, kKilled once the executor decided to
//   terminate the worker for that task;
// - kSlotsOffset + i: the state of task i.
// Every move is an Atomics.compareExchange, so each race has one winner: a task is either cancelled before it
// starts or started; a task is either stopped by terminating its worker or finished, and a worker marked
// kKilled starts nothing more (a neighbour never dies in place of the task that was aborted).
// (One SharedArrayBuffer per batch cost ~4 µs to allocate and post: a tenth of a round trip.)
export const kThreadIdField = 0
export const kRunningField = 1
export const kSlotsOffset = 2
export const kKilled = -1
export const kPending = 0
export const kCancelled = 1
export const kStarted = 2

/** One piscina task: several executor tasks that run one after another on the same worker. */
export interface BatchMessage {
  id: number
  /** `moduleUrl#exportName` of the tasks in the batch, each once (a key is ~80 bytes to clone). */
  keys: string[]
  /** Index into `keys` of each task; absent when `keys` has one entry. */
  which: number[] | undefined
  inputs: unknown[]
  /** Where the batch's region starts in the shared states. */
  base: number
}

/** piscina's `workerData` for the runner. */
export interface RunnerData {
  states: Int32Array
}

// Each task's outcome is posted on its own as soon as it is known (never held until the batch ends), so a
// worker that is terminated for one task never takes the finished results of its neighbours with it. The
// last task of a batch has no neighbour left behind it: its outcome is the batch's return value (one message
// fewer per batch: a single task costs one message each way, like raw piscina), unless it is not plain data.
// Tuple: [kResultTag, batchId, slot, ok, valueOrSerializedError, runMs]
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
