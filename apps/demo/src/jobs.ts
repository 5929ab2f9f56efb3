// Long jobs that report their progress over SSE. POST /jobs starts one in the background and
// GET /jobs/{id}/events streams every step so far, then each new one, ending with the result. GET /jobs/run
// runs a job for as long as its caller stays: its steps stream as they finish, and a caller that leaves (a
// closed page, a cancelled MCP call) aborts the request's signal, which stops the job between steps and the
// CPU work of the current step on its worker. Each step is a prime count on the executor.
import { EventEmitter } from 'node:events'
import { type App, Depends, HTTPException } from 'fasterapi'
import type { Executor, Task } from 'fasterapi/executor'
import type { SseEvent } from 'fasterapi/sse'
import { z } from 'zod'

type PrimeTask = Task<{ query: { below: number } }, { below: number; primes: number }>

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled'

export interface Job {
  id: number
  steps: number
  /** Steps finished so far. */
  step: number
  status: JobStatus
  events: SseEvent[]
  wake: (() => void)[]
}

/** The jobs of this process; emits 'stopped' (job) when a job leaves 'running'. */
export class JobBoard extends EventEmitter<{ stopped: [Job] }> {
  readonly #all = new Map<number, Job>()
  #lastId = 0

  create(steps: number): Job {
    const job: Job = { id: ++this.#lastId, steps, step: 0, status: 'running', events: [], wake: [] }
    this.#all.set(job.id, job)
    return job
  }

  get(id: number): Job | undefined {
    return this.#all.get(id)
  }

  push(job: Job, event: SseEvent): void {
    job.events.push(event)
    for (const wake of job.wake.splice(0)) wake()
  }

  stop(job: Job, status: Exclude<JobStatus, 'running'>, event: SseEvent): void {
    job.status = status
    this.push(job, event)
    this.emit('stopped', job)
  }
}

const Steps = z.coerce.number().int().min(1).max(50).default(10)
const JobStart = z.object({ steps: Steps })
const JobId = z.object({ id: z.coerce.number().int().positive() })
const JobState = z.object({
  id: z.number(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  step: z.number(),
  steps: z.number(),
})

const stateOf = ({ id, status, step, steps }: Job) => ({ id, status, step, steps })

export function jobs(app: App, executor: Executor, countPrimes: PrimeTask): JobBoard {
  const board = new JobBoard()

  // each step waits for the previous one; an aborted signal stops the job before its next step, and the
  // executor drops (or stops) the step in flight
  const run = async (job: Job, signal?: AbortSignal) => {
    let total = 0
    try {
      for (let step = 1; step <= job.steps; step++) {
        signal?.throwIfAborted()
        const { primes } = await executor.run(countPrimes, { query: { below: 20_000 * step } }, { signal })
        total += primes
        job.step = step
        board.push(job, {
          event: 'progress',
          json: { id: job.id, step, steps: job.steps, percent: Math.round((step / job.steps) * 100) },
        })
      }
      board.stop(job, 'done', { event: 'done', json: { id: job.id, total } })
    } catch (error) {
      if (signal?.aborted) board.stop(job, 'cancelled', { event: 'cancelled', json: { id: job.id, step: job.step } })
      else board.stop(job, 'failed', { event: 'failed', json: { id: job.id, message: (error as Error).message } })
    }
  }

  // every event of `job` so far, then each new one, until it stops or the client leaves
  async function* follow(job: Job, signal: AbortSignal): AsyncGenerator<SseEvent> {
    let seen = 0
    while (!signal.aborted) {
      while (seen < job.events.length) yield job.events[seen++]!
      if (job.status !== 'running') return
      await new Promise<void>((resolve) => job.wake.push(resolve))
    }
  }

  app.post(
    '/jobs',
    {
      name: 'startJob',
      summary: 'Starts a background job of `steps` prime counts',
      body: JobStart,
      status: 202,
      tags: ['jobs'],
    },
    ({ body }) => {
      const job = board.create(body.steps)
      void run(job)
      return { id: job.id, events: `/jobs/${job.id}/events` }
    },
  )

  app.sse(
    '/jobs/run',
    {
      name: 'runJob',
      summary: 'Runs a job of `steps` prime counts, streaming each step; the job stops if the caller leaves',
      query: JobStart,
      tags: ['jobs'],
    },
    async function* ({ query, signal }) {
      const job = board.create(query.steps)
      void run(job, signal)
      yield* follow(job, signal)
    },
  )

  // resolved before the route runs, so an unknown id is a plain 404 (before any stream opens)
  const findJob = Depends(function findJob({ request }) {
    const job = board.get(Number(request.params.id))
    if (job === undefined) throw new HTTPException(404, 'No such job')
    return job
  })

  app.get(
    '/jobs/{id}',
    {
      name: 'getJob',
      summary: 'The state of a job',
      params: JobId,
      response: JobState,
      tags: ['jobs'],
      deps: { job: findJob },
    },
    ({ deps }) => stateOf(deps.job),
  )

  app.sse(
    '/jobs/{id}/events',
    {
      name: 'jobEvents',
      summary: "Streams a job's steps until it ends",
      params: JobId,
      tags: ['jobs'],
      deps: { job: findJob },
    },
    ({ deps, signal }) => follow(deps.job, signal),
  )

  return board
}
