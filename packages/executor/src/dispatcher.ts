// Hands batches of tasks to piscina and routes each task's result back. Piscina owns the threads (start,
// replace after a crash, idle timeout); this layer decides what each worker runs, which is what lets it batch
// small tasks and stop one task without touching another.
import type { TransferListItem } from 'node:worker_threads'
import type { Piscina } from 'piscina'
import {
  kCancelled,
  kDone,
  kKilled,
  kOk,
  kPending,
  kResultTag,
  kRunningField,
  kStarted,
  kState,
  kThreadIdField,
  type ResultMessage,
  slotBase,
  type WireBatch,
} from './protocol.ts'
import type { ResultSlots } from './result-slots.ts'
import type { TaskEntry } from './task-entry.ts'

export interface DispatchHost {
  onResult(entry: TaskEntry, ok: boolean, value: unknown, runMs: number, threadId: number): void
  /** The worker died while this task ran (or the batch could not be posted). */
  onCrash(entry: TaskEntry, error: unknown): void
  /** Tasks that never started on a worker that is gone: they go back to the queue. */
  onLost(entries: TaskEntry[]): void
  /** A batch slot became free. */
  onCapacity(): void
}

// times a task that never started may go back to the queue after its worker was lost
const MAX_REQUEUES = 3
// while batches run, their finished results are read this often, whatever piscina reports: a fast task's
// result waits at most about this long for a slow neighbour in its batch, or for a completion notice piscina's
// worker holds back (it waits for stdout to flush before answering, and may start the next batch meanwhile)
const HARVEST_MS = 1

class Batch {
  readonly id: number
  readonly entries: TaskEntry[]
  readonly region: number
  readonly base: number
  finished = false
  killed = false
  constructor(id: number, entries: TaskEntry[], region: number, base: number) {
    this.id = id
    this.entries = entries
    this.region = region
    this.base = base
  }
}

export class Dispatcher {
  readonly #pool: Piscina
  readonly #host: DispatchHost
  readonly #slots: ResultSlots
  readonly #states: Int32Array
  readonly #stride: number
  readonly #batches = new Map<number, Batch>()
  // regions of the shared memory no batch holds; a batch holds one from dispatch until piscina settles it
  readonly #freeRegions: number[] = []
  #nextId = 1
  #harvester: NodeJS.Timeout | undefined

  /** `slots` holds `capacity` regions of `stride` fields: at most `capacity` batches are in flight. */
  constructor(pool: Piscina, host: DispatchHost, slots: ResultSlots, capacity: number, stride: number) {
    this.#pool = pool
    this.#host = host
    this.#slots = slots
    this.#states = slots.states
    this.#stride = stride
    for (let region = capacity - 1; region >= 0; region--) this.#freeRegions.push(region)
    pool.on('message', (message: unknown) => this.#onMessage(message))
  }

  /** Batches that can be dispatched now. */
  get free(): number {
    return this.#freeRegions.length
  }

  dispatch(entries: TaskEntry[]): void {
    const region = this.#freeRegions.pop()!
    const base = region * this.#stride
    this.#states.fill(0, base, slotBase(base, entries.length))
    const batch = new Batch(this.#nextId++, entries, region, base)
    const n = entries.length
    const keys = [entries[0]!.key]
    let which: number[] | undefined
    const inputs = new Array<unknown>(n)
    let transferList: TransferListItem[] | undefined
    for (let i = 0; i < n; i++) {
      const entry = entries[i]!
      entry.batch = batch
      entry.slot = i
      inputs[i] = entry.input
      if (entry.key !== keys[0] || which !== undefined) {
        which ??= new Array<number>(n).fill(0, 0, i)
        let k = keys.indexOf(entry.key)
        if (k === -1) k = keys.push(entry.key) - 1
        which[i] = k
      }
      if (entry.transfer !== undefined) (transferList ??= []).push(...entry.transfer)
    }
    this.#batches.set(batch.id, batch)
    if (this.#harvester === undefined) this.#harvester = setInterval(this.#harvest, HARVEST_MS).unref()
    const message: WireBatch =
      n === 1 ? [batch.id, region, keys[0]!, inputs[0]] : { id: batch.id, keys, which, inputs, region }
    this.#pool.run(message, transferList === undefined ? undefined : { transferList }).then(
      () => this.#onBatchDone(batch),
      (error: unknown) => this.#onBatchFailed(batch, error),
    )
  }

  /**
   * Takes a dispatched task back: a task that has not started is skipped by its worker; a running one is
   * stopped by terminating its worker (the tasks queued behind it go back to the queue); a finished one whose
   * result is on its way is left alone. The caller settles the entry.
   */
  cancel(entry: TaskEntry): void {
    const batch = entry.batch as Batch
    if (batch.finished) return
    const states = this.#states
    const field = slotBase(batch.base, entry.slot)
    if (Atomics.compareExchange(states, field + kState, kPending, kCancelled) === kPending) return
    if (Atomics.load(states, field + kState) !== kStarted) return // done: its result is not needed
    if (Atomics.compareExchange(states, batch.base + kRunningField, entry.slot + 1, kKilled) !== entry.slot + 1) return
    batch.killed = true
    const threadId = Atomics.load(states, batch.base + kThreadIdField)
    this.#pool.threads.find((worker) => worker.threadId === threadId)?.terminate()
  }

  /** Every task still with a worker, for a close deadline. */
  inFlightEntries(): TaskEntry[] {
    const out: TaskEntry[] = []
    for (const batch of this.#batches.values()) for (const entry of batch.entries) if (!entry.settled) out.push(entry)
    return out
  }

  #onMessage(message: unknown): void {
    // piscina also forwards what task code posts on parentPort; only our tuples are for us
    if (!Array.isArray(message)) return
    const batch = this.#batches.get(message[1])
    if (batch === undefined) return
    if (message[0] === kResultTag) {
      const [, , slot, ok, value, runMs] = message as ResultMessage
      this.#deliver(batch, slot, ok === kOk, value, runMs)
      if (batch.finished) this.#release(batch)
    }
  }

  #harvest = (): void => {
    let running = false
    for (const batch of this.#batches.values()) {
      if (batch.finished) continue
      running = true
      this.#collect(batch)
    }
    if (!running) {
      clearInterval(this.#harvester)
      this.#harvester = undefined
    }
  }

  /** Stops the harvest timer (the executor closed). */
  stop(): void {
    clearInterval(this.#harvester)
  }

  // Delivers the results the worker wrote to shared memory and nobody has read yet.
  #collect(batch: Batch): void {
    const states = this.#states
    for (const entry of batch.entries) {
      if (entry.settled || entry.batch !== batch) continue
      const field = slotBase(batch.base, entry.slot)
      if (Atomics.load(states, field + kState) !== kDone) continue
      const [ok, value, runMs] = this.#slots.read(field)
      this.#deliver(batch, entry.slot, ok, value, runMs)
    }
  }

  #deliver(batch: Batch, slot: number, ok: boolean, value: unknown, runMs: number): void {
    const entry = batch.entries[slot]
    if (entry === undefined || entry.settled || entry.batch !== batch) return
    this.#host.onResult(entry, ok, value, runMs, Atomics.load(this.#states, batch.base + kThreadIdField))
  }

  #onBatchDone(batch: Batch): void {
    this.#collect(batch)
    // a worker marked for termination returns early: what it left pending goes back to the queue
    const lost = this.#reclaimPending(batch)
    this.#finish(batch)
    // results too large for shared memory were posted before the batch returned; they may still be on their way
    this.#release(batch)
    this.#host.onLost(lost)
    this.#host.onCapacity()
  }

  #onBatchFailed(batch: Batch, error: unknown): void {
    // a worker we terminated has exited: Node delivered its last messages before 'exit', so every result it
    // posted has arrived. Any other failure (an uncaught error) is seen first; give its messages a turn.
    if (batch.killed) this.#settleFailed(batch, error)
    else setImmediate(() => this.#settleFailed(batch, error))
  }

  #settleFailed(batch: Batch, error: unknown): void {
    this.#collect(batch) // what finished before the worker died is in shared memory
    const lost = this.#reclaimPending(batch)
    const started = Atomics.load(this.#states, batch.base + kThreadIdField) !== 0
    this.#finish(batch)
    this.#batches.delete(batch.id)
    if (!started && lost.length > 1 && isCloneError(error)) {
      // the batch never left: one input cannot be cloned. Retry each task alone so that only it fails.
      for (const entry of lost) entry.solo = true
      this.#host.onLost(lost)
    } else {
      for (const entry of batch.entries) if (entry.batch === batch && !entry.settled) this.#host.onCrash(entry, error)
      // inputs that were moved into the dead worker are gone: those tasks cannot run again; and a task whose
      // batches keep failing before it starts (a worker that cannot load the runner) fails instead of looping
      const again: TaskEntry[] = []
      for (const entry of lost) {
        if (entry.transfer === undefined && ++entry.requeued <= MAX_REQUEUES) again.push(entry)
        else this.#host.onCrash(entry, error)
      }
      this.#host.onLost(again)
    }
    this.#host.onCapacity()
  }

  // Freezes the slots the worker never started and detaches them from the batch.
  #reclaimPending(batch: Batch): TaskEntry[] {
    const lost: TaskEntry[] = []
    for (const entry of batch.entries) {
      if (entry.settled) continue
      const field = slotBase(batch.base, entry.slot) + kState
      if (Atomics.compareExchange(this.#states, field, kPending, kCancelled) === kPending) {
        entry.batch = undefined
        lost.push(entry)
      }
    }
    return lost
  }

  #finish(batch: Batch): void {
    batch.finished = true
    this.#freeRegions.push(batch.region)
  }

  #release(batch: Batch): void {
    for (const entry of batch.entries) if (!entry.settled && entry.batch === batch) return
    this.#batches.delete(batch.id)
  }
}

function isCloneError(error: unknown): boolean {
  return error instanceof Error && error.name === 'DataCloneError'
}
