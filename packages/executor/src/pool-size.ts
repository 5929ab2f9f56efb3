import { availableParallelism } from 'node:os'

export interface PoolSizeOptions {
  /**
   * Server processes sharing this machine, each with its own pool.
   * @default the FASTERAPI_PROCESSES environment variable (set by `listen({ workers })` of @fasterapi/http), else 1
   */
  processes?: number
  /** @default os.availableParallelism() */
  cores?: number
}

/**
 * Worker threads per process: each process's share of the cores, minus one core for the process's own event
 * loop, and at least one. Measured on 2 shared cores with a 20 ms route hammered next to a cheap route
 * (benchmarks/executor): with 1 thread the cheap route's p99 was ~5 ms, with piscina's default of 3 threads
 * ~68 ms — more workers than spare cores take the event loop's core away.
 * @example defaultPoolSize({ processes: 4 }) // 8 cores: 1 thread per process
 */
export function defaultPoolSize(options: PoolSizeOptions = {}): number {
  const cores = options.cores ?? availableParallelism()
  const processes = Math.max(1, options.processes ?? (Number(process.env.FASTERAPI_PROCESSES) || 1))
  return Math.max(1, Math.floor(cores / processes) - 1)
}
