import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineSettings, SettingsError } from '../src/index.ts'
import { database } from '../src/pg.ts'
import { freshDatabase } from './helpers/database.ts'

const Settings = z.object({
  port: z.number().int().default(8000),
  debug: z.boolean().default(false),
  db: z.object({ url: z.string().url(), poolSize: z.number().int().positive() }),
  origins: z.array(z.string()).default([]),
})

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fasterapi-settings-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

describe('defineSettings', () => {
  it('reads prefixed and nested variables, converting text to the types the schema expects', () => {
    const settings = defineSettings(Settings, {
      prefix: 'APP_',
      env: {
        APP_PORT: '9000',
        APP_DEBUG: 'true',
        APP_DB__URL: 'postgres://h/db',
        app_db__pool_size: '4',
        APP_ORIGINS: '["https://a.example"]',
        PORT: '1',
      },
      envFile: null,
    })
    expect(settings).toEqual({
      port: 9000,
      debug: true,
      db: { url: 'postgres://h/db', poolSize: 4 },
      origins: ['https://a.example'],
    })
  })

  it('layers .env files in order with the environment on top', () => {
    const cwd = folder({
      '.env': 'APP_PORT=1000\nAPP_DB__URL="postgres://from-file/db"\nAPP_DB__POOL_SIZE=2 # a comment\n',
      '.env.local': 'APP_PORT=2000\n',
    })
    const settings = defineSettings(Settings, {
      prefix: 'APP_',
      envFile: ['.env', '.env.local', '.env.missing'],
      cwd,
      env: { APP_DB__POOL_SIZE: '7' },
    })
    expect(settings).toMatchObject({ port: 2000, db: { url: 'postgres://from-file/db', poolSize: 7 } })
  })

  it('fails once, listing every bad or missing variable by its name', () => {
    let error: unknown
    try {
      defineSettings(Settings, { prefix: 'APP_', env: { APP_PORT: 'eighty', APP_DB__POOL_SIZE: '-1' }, envFile: null })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SettingsError)
    const failure = error as SettingsError
    expect(failure.code).toBe('SETTINGS_INVALID')
    expect(failure.issues.map((i) => i.variable).sort()).toEqual(['APP_DB__POOL_SIZE', 'APP_DB__URL', 'APP_PORT'])
    expect(failure.issues.find((i) => i.variable === 'APP_DB__URL')?.message).toMatch(/^missing/)
    expect(failure.message).toContain('APP_PORT')
    expect(failure.message).toContain('APP_DB__POOL_SIZE')
  })

  it('works with a schema library that publishes no JSON Schema (valibot), reading nested keys by name', () => {
    const schema = v.object({
      name: v.string(),
      db: v.object({ host: v.string(), port: v.pipe(v.string(), v.transform(Number), v.integer()) }),
    })
    expect(
      defineSettings(schema, {
        prefix: 'SVC_',
        env: { SVC_NAME: 'api', SVC_DB__HOST: 'localhost', SVC_DB__PORT: '5432' },
        envFile: null,
      }),
    ).toEqual({ name: 'api', db: { host: 'localhost', port: 5432 } })
    expect(() => defineSettings(schema, { prefix: 'SVC_', env: {}, envFile: null })).toThrow(/SVC_NAME/)
  })

  it('feeds database() from the environment against the real server', async () => {
    await using scratch = await freshDatabase()
    const settings = defineSettings(z.object({ databaseUrl: z.string(), dbMax: z.number() }), {
      env: { DATABASE_URL: scratch.url, DB_MAX: '2' },
      envFile: null,
    })
    const db = database({ url: settings.databaseUrl, max: settings.dbMax })
    const sql = await db.start()
    expect([...(await sql`select current_database() as name`)]).toEqual([
      { name: new URL(scratch.url).pathname.slice(1) },
    ])
    await db.close()
  })
})
