// The server the benchmark and its correctness test run against: DATABASE_URL when set, else a throwaway
// cluster from @fasterapi/pg/testing (the same helper the driver's tests use).
import { findPostgresBinaries, startCluster } from '@fasterapi/pg/testing'

export interface BenchServer {
  url: string
  /** Server binaries (for pgbench), when this machine has them. */
  binDir: string | undefined
  stop(): Promise<void>
}

export async function benchServer(): Promise<BenchServer> {
  const url = process.env.DATABASE_URL
  if (url !== undefined) {
    let binDir: string | undefined
    try {
      binDir = findPostgresBinaries()
    } catch {
      binDir = undefined
    }
    return { url, binDir, stop: async () => undefined }
  }
  const cluster = await startCluster()
  return { url: cluster.url, binDir: cluster.binDir, stop: () => cluster.stop() }
}
