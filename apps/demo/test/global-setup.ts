// The demo's tests run on their own throwaway embedded PostgreSQL (or DATABASE_URL), never on apps/demo/.pgdata.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from 'fasterapi/pg'
import type {} from 'vitest'
import type { TestProject } from 'vitest/node'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL)
    return async () => {}
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'fasterapi-demo-pg-'))
  const server = await startEmbeddedPostgres({ dataDir, settings: { fsync: 'off' } })
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
