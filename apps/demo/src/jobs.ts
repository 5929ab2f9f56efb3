// A long job that reports its progress over SSE: POST /jobs starts it, GET /jobs/{id}/events streams every
// step so far and then each new one, ending with the result. Each step is CPU work on the executor.
import { type App, Depends, HTTPException } from 'fasterapi'
import type { Executor, Task } from 'fasterapi/executor'
import type { SseEvent } from 'fasterapi/sse'
import { z } from 'zod'

type PrimeTask = Task<{ query: { below: number } }, { below: number; primes: number }>

interface Job {
  events: SseEvent[]
  done: boolean
  wake: (() => void)[]
}

const JobStart = z.object({ steps: z.number().int().min(1).max(50).default(10) })
const JobId = z.object({ id: z.coerce.number().int().positive() })

export function jobs(app: App, executor: Executor, countPrimes: PrimeTask): void {
  const all = new Map<number, Job>()
  let lastId = 0

  const push = (job: Job, event: SseEvent) => {
    job.events.push(event)
    for (const wake of job.wake.splice(0)) wake()
  }

  const run = async (job: Job, steps: number) => {
    let total = 0
    try {
      for (let step = 1; step <= steps; step++) {
        const { primes } = await executor.run(countPrimes, { query: { below: 20_000 * step } })
        total += primes
        push(job, { event: 'progress', json: { step, steps, percent: Math.round((step / steps) * 100) } })
      }
      push(job, { event: 'done', json: { total } })
    } catch (error) {
      push(job, { event: 'failed', json: { message: (error as Error).message } })
    }
    job.done = true
  }

  app.post('/jobs', { body: JobStart, status: 202, tags: ['jobs'] }, ({ body }) => {
    const id = ++lastId
    const job: Job = { events: [], done: false, wake: [] }
    all.set(id, job)
    void run(job, body.steps)
    return { id, events: `/jobs/${id}/events` }
  })

  // resolved before the stream opens, so an unknown id is a plain 404
  const findJob = Depends(function findJob({ request }) {
    const job = all.get(Number(request.params.id))
    if (job === undefined) throw new HTTPException(404, 'No such job')
    return job
  })

  app.sse(
    '/jobs/{id}/events',
    { params: JobId, tags: ['jobs'], deps: { job: findJob } },
    async function* ({ deps, signal }) {
      const { job } = deps
      let seen = 0
      while (!signal.aborted) {
        while (seen < job.events.length) yield job.events[seen++]!
        if (job.done) return
        await new Promise<void>((resolve) => job.wake.push(resolve))
      }
    },
  )
}
