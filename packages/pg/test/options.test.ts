import { describe, expect, it } from 'vitest'
import { OptionError, parseConnectionString } from '../src/index.ts'
import { resolveConnectionOptions } from '../src/options.ts'

describe('connection options', () => {
  it('reads every part of a connection string, decoding escapes', () => {
    const url =
      'postgresql://us%40er:p%3Ass@db.example:6543/app%20db?sslmode=require&application_name=api&search_path=s'
    expect(parseConnectionString(url)).toEqual({
      user: 'us@er',
      password: 'p:ss',
      host: 'db.example',
      port: '6543',
      database: 'app db',
      sslmode: 'require',
      applicationName: 'api',
      serverParameters: { search_path: 's' },
    })
  })

  it('falls back to the PG* environment variables, then to defaults', () => {
    const env = { PGHOST: 'h', PGPORT: '7777', PGUSER: 'u', PGPASSWORD: 'p', PGDATABASE: 'd', PGAPPNAME: 'a' }
    expect(resolveConnectionOptions({}, env)).toMatchObject({
      host: 'h',
      port: 7777,
      user: 'u',
      password: 'p',
      database: 'd',
      applicationName: 'a',
      sslmode: 'disable',
    })
    expect(resolveConnectionOptions({}, { USER: 'me' })).toMatchObject({
      host: 'localhost',
      port: 5432,
      database: 'me',
    })
  })

  it('lets explicit options beat the connection string, and the string beat the environment', () => {
    const resolved = resolveConnectionOptions({ url: 'postgres://a@h1:1/d1', port: 2 }, { PGHOST: 'h0', PGUSER: 'z' })
    expect(resolved).toMatchObject({ host: 'h1', port: 2, user: 'a', database: 'd1' })
  })

  it('rejects an unknown sslmode, a bad port and a non-postgres URL with PG_INVALID_OPTION', () => {
    expect(() => resolveConnectionOptions({ sslmode: 'maybe' as never }, {})).toThrow(OptionError)
    expect(() => resolveConnectionOptions({ port: 70000 }, {})).toThrow(/invalid port/)
    expect(() => parseConnectionString('mysql://x')).toThrow(/unsupported connection string protocol/)
  })

  it('selects a Unix socket directory through ?host=', () => {
    expect(parseConnectionString('postgres:///db?host=/var/run/postgresql').host).toBe('/var/run/postgresql')
  })
})
