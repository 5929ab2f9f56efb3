import type { TransferListItem } from 'node:worker_threads'
import type { Queued } from './task-queue.ts'

/** One `run()` call, from the queue to its result. */
export class TaskEntry implements Queued {
  queued = false
  /** Settled futures ignore late results (a task aborted while its result was on the way). */
  settled = false
  /** Set when the entry must travel alone (its batch could not be cloned; only it should fail). */
  solo = false
  /** Times it went back to the queue from a lost worker without having started. */
  requeued = 0
  /** The batch and slot it was dispatched in, while it is with a worker. */
  batch: object | undefined = undefined
  slot = -1
  /** Detaches the abort listener and the timeout timer. */
  cleanup: (() => void) | undefined = undefined
  readonly key: string
  readonly input: unknown
  readonly transfer: readonly TransferListItem[] | undefined
  readonly priority: number
  readonly submittedAt: number
  readonly resolve: (value: any) => void
  readonly reject: (reason: unknown) => void

  constructor(
    key: string,
    input: unknown,
    transfer: readonly TransferListItem[] | undefined,
    priority: number,
    resolve: (value: any) => void,
    reject: (reason: unknown) => void,
  ) {
    this.key = key
    this.input = input
    this.transfer = transfer
    this.priority = priority
    this.submittedAt = performance.now()
    this.resolve = resolve
    this.reject = reject
  }
}
