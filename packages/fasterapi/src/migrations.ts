// Schema migrations as plain .sql files applied in name order (001-items.sql, 002-…), each once, each in its own
// transaction, recorded in `fasterapi_migrations`. An advisory lock makes several processes starting together
// (`--workers 4`) apply them once.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sql } from '@fasterapi/pg'
import { MigrationError } from './errors.ts'
import { splitStatements } from './internal/split-sql.ts'

// an arbitrary constant: the advisory lock key every FasterAPI process takes while it migrates
const LOCK_KEY = 0x46415354

/**
 * Applies the `*.sql` files of `folder` that this database has not seen, in name order; returns their names.
 * @example await migrate(sql, new URL('./migrations/', import.meta.url))
 */
export async function migrate(sql: Sql, folder: string | URL): Promise<string[]> {
  const dir = typeof folder === 'string' ? folder : fileURLToPath(folder)
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
  const applied: string[] = []
  const session = await sql.reserve()
  try {
    await session`select pg_advisory_lock(${LOCK_KEY})`
    await session`create table if not exists fasterapi_migrations (name text primary key, applied_at timestamptz not null default now())`
    const done = new Set((await session<{ name: string }>`select name from fasterapi_migrations`).map((r) => r.name))
    for (const file of files) {
      if (done.has(file)) continue
      const text = readFileSync(join(dir, file), 'utf8')
      try {
        await session.unsafe('begin')
        for (const statement of splitStatements(text)) await session.unsafe(statement)
        await session`insert into fasterapi_migrations (name) values (${file})`
        await session.unsafe('commit')
      } catch (error) {
        await session.unsafe('rollback').catch(() => undefined)
        throw new MigrationError(file, error)
      }
      applied.push(file)
    }
  } finally {
    await session`select pg_advisory_unlock(${LOCK_KEY})`.catch(() => undefined)
    session.release()
  }
  return applied
}
