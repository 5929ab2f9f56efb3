import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from 'node:zlib'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { negotiate } from '../src/compression.ts'
import { App, listen, Response, type RunningServer } from '../src/index.ts'
import { type Client, transports } from './helpers/transports.ts'

const big = { items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item number ${i}` })) }

function compressingApp() {
  const app = new App({ compression: true })
  app.get('/big', () => big)
  app.get('/small', () => ({ ok: true }))
  app.get('/raw', { compress: false }, () => big)
  app.get('/stream', () => Response.stream([JSON.stringify(big)], { contentType: 'application/json' }))
  return app
}

describe('negotiate', () => {
  it('takes the highest q-value, the server order on ties, and honours q=0 and *', () => {
    const offered = ['zstd', 'br', 'gzip'] as const
    expect(negotiate('gzip, br', offered)).toBe('br')
    expect(negotiate('gzip;q=1, br;q=0.5', offered)).toBe('gzip')
    expect(negotiate('br;q=0, gzip;q=0.1', offered)).toBe('gzip')
    expect(negotiate('*', offered)).toBe('zstd')
    expect(negotiate('*;q=0, identity', offered)).toBeUndefined()
    expect(negotiate('deflate', offered)).toBeUndefined()
    expect(negotiate(undefined, offered)).toBeUndefined()
  })
})

describe.each(transports)('compression (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it.each([
    ['gzip', gunzipSync],
    ['br', brotliDecompressSync],
    ['zstd', zstdDecompressSync],
  ] as const)('compresses a large JSON body with %s when the client accepts it', async (encoding, decode) => {
    client = await open(compressingApp())
    const r = await client.request({ path: '/big', headers: { 'accept-encoding': encoding } })
    expect(r.headers['content-encoding']).toBe(encoding)
    expect(r.headers.vary).toBe('Accept-Encoding')
    expect(Number(r.headers['content-length'])).toBeLessThan(JSON.stringify(big).length / 3)
    expect(JSON.parse(decode(r.rawBody).toString())).toEqual(big)
  })

  it('leaves small bodies, refused encodings and opted-out routes uncompressed', async () => {
    client = await open(compressingApp())
    const small = await client.request({ path: '/small', headers: { 'accept-encoding': 'gzip' } })
    expect(small.headers['content-encoding']).toBeUndefined()
    const refused = await client.request({ path: '/big', headers: { 'accept-encoding': 'gzip;q=0' } })
    expect(refused.headers['content-encoding']).toBeUndefined()
    expect(refused.json()).toEqual(big)
    const raw = await client.request({ path: '/raw', headers: { 'accept-encoding': 'gzip' } })
    expect(raw.headers['content-encoding']).toBeUndefined()
  })
})

describe('compression on the wire', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it.each([
    ['gzip', gunzipSync],
    ['br', brotliDecompressSync],
    ['zstd', zstdDecompressSync],
  ] as const)(
    'sends %s bytes that decode to the original body, for complete and streamed bodies',
    async (encoding, decode) => {
      server = await listen(compressingApp(), { port: 0 })
      for (const path of ['/big', '/stream']) {
        const r = await request(`${server.url}${path}`, { headers: { 'accept-encoding': encoding } })
        expect(r.headers['content-encoding']).toBe(encoding)
        const bytes = Buffer.from(await r.body.arrayBuffer())
        expect(JSON.parse(decode(bytes).toString())).toEqual(big)
      }
    },
  )

  it('is understood by curl --compressed', async () => {
    server = await listen(compressingApp(), { port: 0 })
    const out = await new Promise<string>((resolve, reject) =>
      execFile('curl', ['-s', '--compressed', '-D', '-', `${server!.url}/big`], (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    )
    const [head, body] = out.split('\r\n\r\n')
    expect(head).toMatch(/content-encoding: (gzip|br|zstd)/i)
    expect(JSON.parse(body!)).toEqual(big)
  })
})

describe('compression on a Node whose node:zlib has no zstd (before 22.15)', () => {
  it('leaves zstd out of the defaults and refuses it when asked for by name', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/no-zstd.ts', import.meta.url))
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--conditions=@fasterapi/source', '--no-warnings', fixture], (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    )
    expect(JSON.parse(out)).toEqual({
      encoding: 'br',
      same: true,
      explicit: expect.stringMatching(/^TypeError: compression: zstd needs Node 22\.15 or later/),
    })
  })
})
