import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { request, Client as UndiciClient } from 'undici'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { App, listen, Response, type RunningServer, staticFiles } from '../src/index.ts'
import { splitRelative } from '../src/static-path.ts'
import { parseRange } from '../src/static-range.ts'
import { rawExchange } from './helpers/raw.ts'
import { type Client, transports } from './helpers/transports.ts'

const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT'
const JS = `console.log(${JSON.stringify('x'.repeat(2000))})\n`
let base: string
let root: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'fasterapi-static-'))
  root = join(base, 'public')
  await mkdir(join(root, 'sub'), { recursive: true })
  await mkdir(join(root, 'docs'))
  await writeFile(join(base, 'secret.txt'), SECRET)
  await writeFile(join(root, 'hello.txt'), 'hello, static world')
  await writeFile(join(root, 'index.html'), '<h1>home</h1>')
  await writeFile(join(root, 'docs', 'index.html'), '<h1>docs</h1>')
  await writeFile(join(root, 'sub', 'page.html'), '<p>page</p>')
  await writeFile(join(root, '.env'), `PASSWORD=${SECRET}`)
  await writeFile(join(root, 'app.js'), JS)
  await writeFile(join(root, 'app.js.br'), brotliCompressSync(JS))
  await writeFile(join(root, 'app.js.gz'), gzipSync(JS))
  await writeFile(join(root, 'empty.txt'), '')
  await writeFile(join(root, 'digits.txt'), '0123456789')
  await writeFile(join(root, 'odd.xyz'), 'odd')
  await utimes(join(root, 'hello.txt'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'))
  await symlink(join(base, 'secret.txt'), join(root, 'link-out.txt'))
  await symlink(base, join(root, 'dir-out'))
  await symlink(join(root, 'hello.txt'), join(root, 'link-in.txt'))
})

afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

function staticApp(options: Parameters<typeof staticFiles>[1] = {}): App {
  const app = new App()
  app.get('/static/{path:path}', { includeInSchema: false }, staticFiles(root, options))
  return app
}

describe.each(transports)('staticFiles (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it('serves a file with its type, length, ETag, Last-Modified and Cache-Control', async () => {
    client = await open(staticApp())
    const r = await client.request({ path: '/static/hello.txt' })
    expect(r.status).toBe(200)
    expect(r.body).toBe('hello, static world')
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(Number(r.headers['content-length'])).toBe(19)
    expect(r.headers['last-modified']).toBe('Tue, 02 Jan 2024 03:04:05 GMT')
    expect(r.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/)
    expect(r.headers['cache-control']).toBe('no-cache')
    expect(r.headers['accept-ranges']).toBe('bytes')
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    client = await open(staticApp())
    const r = await client.request({ method: 'HEAD', path: '/static/hello.txt' })
    expect(r.status).toBe(200)
    expect(r.body).toBe('')
    expect(Number(r.headers['content-length'])).toBe(19)
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  it('answers a matching If-None-Match with 304 and no body, a stale one with 200', async () => {
    client = await open(staticApp())
    const first = await client.request({ path: '/static/hello.txt' })
    const etag = String(first.headers.etag)
    const again = await client.request({ path: '/static/hello.txt', headers: { 'if-none-match': `"nope", W/${etag}` } })
    expect(again.status).toBe(304)
    expect(again.body).toBe('')
    expect(again.headers.etag).toBe(etag)
    const stale = await client.request({ path: '/static/hello.txt', headers: { 'if-none-match': '"other"' } })
    expect(stale.status).toBe(200)
  })

  it('answers If-Modified-Since with 304 when not modified since, and ignores it beside If-None-Match', async () => {
    client = await open(staticApp())
    const same = await client.request({
      path: '/static/hello.txt',
      headers: { 'if-modified-since': 'Tue, 02 Jan 2024 03:04:05 GMT' },
    })
    expect(same.status).toBe(304)
    const older = await client.request({
      path: '/static/hello.txt',
      headers: { 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' },
    })
    expect(older.status).toBe(200)
    const both = await client.request({
      path: '/static/hello.txt',
      headers: { 'if-modified-since': 'Tue, 02 Jan 2024 03:04:05 GMT', 'if-none-match': '"other"' },
    })
    expect(both.status).toBe(200) // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is sent
  })

  it('answers a failed If-Match or If-Unmodified-Since with 412', async () => {
    client = await open(staticApp())
    expect((await client.request({ path: '/static/hello.txt', headers: { 'if-match': '"other"' } })).status).toBe(412)
    const unmodified = await client.request({
      path: '/static/hello.txt',
      headers: { 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' },
    })
    expect(unmodified.status).toBe(412)
  })

  it('serves a byte range as 206 with Content-Range, a suffix range, and an open range', async () => {
    client = await open(staticApp())
    const r = await client.request({ path: '/static/digits.txt', headers: { range: 'bytes=2-5' } })
    expect(r.status).toBe(206)
    expect(r.body).toBe('2345')
    expect(r.headers['content-range']).toBe('bytes 2-5/10')
    expect(Number(r.headers['content-length'])).toBe(4)
    const suffix = await client.request({ path: '/static/digits.txt', headers: { range: 'bytes=-3' } })
    expect([suffix.status, suffix.body, suffix.headers['content-range']]).toEqual([206, '789', 'bytes 7-9/10'])
    const open_ = await client.request({ path: '/static/digits.txt', headers: { range: 'bytes=8-' } })
    expect([open_.status, open_.body]).toEqual([206, '89'])
    const clipped = await client.request({ path: '/static/digits.txt', headers: { range: 'bytes=7-100' } })
    expect([clipped.status, clipped.body, clipped.headers['content-range']]).toEqual([206, '789', 'bytes 7-9/10'])
  })

  it('answers an unsatisfiable range with 416 and Content-Range */size; ignores a malformed one', async () => {
    client = await open(staticApp())
    const r = await client.request({ path: '/static/digits.txt', headers: { range: 'bytes=10-20' } })
    expect(r.status).toBe(416)
    expect(r.headers['content-range']).toBe('bytes */10')
    const bad = await client.request({ path: '/static/digits.txt', headers: { range: 'bytes=x-1' } })
    expect([bad.status, bad.body]).toEqual([200, '0123456789'])
    const many = `bytes=${Array.from({ length: 17 }, (_, i) => `0-${i}`).join(',')}`
    const tooMany = await client.request({ path: '/static/digits.txt', headers: { range: many } })
    expect([tooMany.status, tooMany.body]).toEqual([200, '0123456789'])
  })

  it('serves several ranges as multipart/byteranges, merging overlapping ones', async () => {
    client = await open(staticApp())
    const r = await client.request({ path: '/static/digits.txt', headers: { range: 'bytes=7-8, 0-1, 1-2' } })
    expect(r.status).toBe(206)
    const type = String(r.headers['content-type'])
    const boundary = /^multipart\/byteranges; boundary=([0-9a-f]+)$/.exec(type)?.[1]
    expect(boundary).toBeDefined()
    expect(Number(r.headers['content-length'])).toBe(r.rawBody.length)
    expect(r.body).toBe(
      `--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes 0-2/10\r\n\r\n012` +
        `\r\n--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes 7-8/10\r\n\r\n78` +
        `\r\n--${boundary}--\r\n`,
    )
  })

  it('honours If-Range only while the validator still names the file', async () => {
    client = await open(staticApp())
    const etag = String((await client.request({ path: '/static/digits.txt' })).headers.etag)
    const same = await client.request({ path: '/static/digits.txt', headers: { range: 'bytes=0-1', 'if-range': etag } })
    expect([same.status, same.body]).toEqual([206, '01'])
    const changed = await client.request({
      path: '/static/digits.txt',
      headers: { range: 'bytes=0-1', 'if-range': '"changed"' },
    })
    expect([changed.status, changed.body]).toEqual([200, '0123456789'])
    const byDate = await client.request({
      path: '/static/hello.txt',
      headers: { range: 'bytes=0-4', 'if-range': 'Tue, 02 Jan 2024 03:04:05 GMT' },
    })
    expect([byDate.status, byDate.body]).toEqual([206, 'hello'])
  })

  it('serves an empty file with length 0', async () => {
    client = await open(staticApp())
    const r = await client.request({ path: '/static/empty.txt', headers: { range: 'bytes=0-' } })
    expect([r.status, r.body, Number(r.headers['content-length'])]).toEqual([200, '', 0])
  })

  it('picks the precompressed sibling the client accepts, with Vary, the original type and its own ETag', async () => {
    client = await open(staticApp({ precompressed: true }))
    const br = await client.request({ path: '/static/app.js', headers: { 'accept-encoding': 'gzip, br' } })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(br.headers.vary).toBe('Accept-Encoding')
    expect(br.rawBody.equals(brotliCompressSync(JS))).toBe(true)
    const gz = await client.request({ path: '/static/app.js', headers: { 'accept-encoding': 'gzip;q=1, br;q=0.5' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gz.headers.etag).not.toBe(br.headers.etag)
    // zstd has no sibling: the next best accepted one is chosen
    const zstd = await client.request({ path: '/static/app.js', headers: { 'accept-encoding': 'zstd, gzip;q=0.1' } })
    expect(zstd.headers['content-encoding']).toBe('gzip')
    const plain = await client.request({ path: '/static/app.js' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe(JS)
    expect(plain.headers.vary).toBe('Accept-Encoding')
  })

  it('serves index.html for a folder and redirects a folder path without its slash', async () => {
    client = await open(staticApp())
    const r = await client.request({ path: '/static/docs/' })
    expect([r.status, r.body]).toEqual([200, '<h1>docs</h1>'])
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8')
    const redirect = await client.request({ path: '/static/docs?x=1' })
    expect(redirect.status).toBe(307)
    expect(redirect.headers.location).toBe('/static/docs/?x=1')
    const home = await client.request({ path: '/static/' })
    expect(home.body).toBe('<h1>home</h1>')
    const none = staticApp({ index: false })
    await client.close()
    client = await open(none)
    expect((await client.request({ path: '/static/docs/' })).status).toBe(404)
  })

  it('serves the SPA fallback for a path that finds nothing, but never for a refused one', async () => {
    client = await open(staticApp({ fallback: 'index.html' }))
    const r = await client.request({ path: '/static/app/route/42' })
    expect([r.status, r.body]).toEqual([200, '<h1>home</h1>'])
    expect((await client.request({ path: '/static/%2e%2e/secret.txt' })).status).toBe(404)
  })

  it('answers a missing file, a dotfile and an unknown folder with 404, and types unknown extensions as bytes', async () => {
    client = await open(staticApp())
    expect((await client.request({ path: '/static/nope.txt' })).status).toBe(404)
    expect((await client.request({ path: '/static/.env' })).status).toBe(404)
    expect((await client.request({ path: '/static/nope/x.txt' })).status).toBe(404)
    expect((await client.request({ path: '/static/odd.xyz' })).headers['content-type']).toBe('application/octet-stream')
  })

  it('uses the cacheControl and contentTypes options', async () => {
    client = await open(
      staticApp({
        cacheControl: (path) => (path.endsWith('.js') ? 'public, max-age=31536000, immutable' : undefined),
        contentTypes: { xyz: 'application/x-xyz' },
      }),
    )
    expect((await client.request({ path: '/static/app.js' })).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    )
    const odd = await client.request({ path: '/static/odd.xyz' })
    expect(odd.headers['cache-control']).toBeUndefined()
    expect(odd.headers['content-type']).toBe('application/x-xyz')
  })

  it('follows a symlink that stays inside the folder', async () => {
    client = await open(staticApp())
    expect((await client.request({ path: '/static/link-in.txt' })).body).toBe('hello, static world')
  })

  it('refuses symlinks leaving the folder unless followSymlinks is set', async () => {
    client = await open(staticApp())
    for (const path of ['/static/link-out.txt', '/static/dir-out/secret.txt']) {
      const r = await client.request({ path })
      expect(r.status, path).toBe(404)
      expect(r.body).not.toContain(SECRET)
    }
    await client.close()
    client = await open(staticApp({ followSymlinks: true }))
    expect((await client.request({ path: '/static/link-out.txt' })).body).toBe(SECRET)
  })
})

// What an attacker sends, byte for byte: no client library normalizes these paths away.
const TRAVERSALS = [
  '/static/../secret.txt',
  '/static/sub/../../secret.txt',
  '/static/%2e%2e/secret.txt',
  '/static/%2E%2E/secret.txt',
  '/static/..%2Fsecret.txt',
  '/static/..%2fsecret.txt',
  '/static/%2e%2e%2f%2e%2e%2fsecret.txt',
  '/static/sub%2F..%2F..%2Fsecret.txt',
  '/static/..%5Csecret.txt',
  '/static/..\\secret.txt',
  '/static/sub\\..\\..\\secret.txt',
  '/static/hello.txt%00.html',
  '/static/%00',
  '/static/{ABS}',
  '/static/%2Fetc%2Fpasswd',
  '/static//etc/passwd',
  '/static/C:/Windows/win.ini',
  '/static/./hello.txt',
  '/static/link-out.txt',
  '/static/dir-out/secret.txt',
]

describe('staticFiles never serves outside its folder', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('refuses every traversal over a raw socket', async () => {
    server = await listen(staticApp({ fallback: 'index.html' }), { port: 0 })
    for (const target of traversalTargets()) {
      const raw = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`)
      const status = Number(raw.slice(9, 12))
      expect([400, 404], target).toContain(status)
      expect(raw, target).not.toContain(SECRET)
      expect(raw, target).not.toContain('<h1>home</h1>') // the SPA fallback is not a way around the check
    }
  })

  it('refuses every traversal in-process', async () => {
    const app = staticApp({ fallback: 'index.html' })
    for (const target of traversalTargets()) {
      const r = await app.inject(target)
      expect(r.status, target).toBe(404)
      expect(r.body, target).not.toContain(SECRET)
    }
  })

  it('refuses through undici too (a path given as is, not normalized as a URL would be)', async () => {
    server = await listen(staticApp(), { port: 0 })
    const client = new UndiciClient(server.url)
    try {
      for (const target of traversalTargets()) {
        const r = await client.request({ method: 'GET', path: target })
        const body = await r.body.text()
        expect([400, 404], target).toContain(r.statusCode)
        expect(body).not.toContain(SECRET)
      }
    } finally {
      await client.close()
    }
  })

  function traversalTargets(): string[] {
    return TRAVERSALS.map((t) => t.replace('{ABS}', join(base, 'secret.txt')))
  }
})

describe('Response.file with root', () => {
  it('serves a file under the root and refuses any path that leaves it', async () => {
    const app = new App()
    app.get('/files/{name:path}', ({ params }) => Response.file(params.name, { root }))
    app.get('/follow/{name:path}', ({ params }) => Response.file(params.name, { root, followSymlinks: true }))
    expect((await app.inject('/files/sub/page.html')).body).toBe('<p>page</p>')
    for (const target of ['../secret.txt', '%2e%2e/secret.txt', '..%2Fsecret.txt', 'link-out.txt', '%2Fetc%2Fpasswd']) {
      const r = await app.inject(`/files/${target}`)
      expect(r.status, target).toBe(404)
      expect(r.body).not.toContain(SECRET)
    }
    expect((await app.inject('/follow/link-out.txt')).body).toBe(SECRET)
    expect((await app.inject('/follow/..%2Fsecret.txt')).status).toBe(404)
  })

  it('regression (issue 19): {rest:path} + Response.file(rest, { root }) never serves ../../ over a raw socket', async () => {
    const app = new App()
    app.get('/assets/{rest:path}', ({ params }) => Response.file(params.rest, { root: join(root, 'sub') }))
    const server = await listen(app, { port: 0 })
    try {
      const ok = await rawExchange(
        server.port,
        'GET /assets/page.html HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
      )
      expect(ok).toContain('<p>page</p>')
      for (const target of [
        '../../secret.txt',
        '%2e%2e/%2e%2e/secret.txt',
        '..%2F..%2Fsecret.txt',
        '%2E%2E%2F%2E%2E%2Fsecret.txt',
      ]) {
        const raw = await rawExchange(
          server.port,
          `GET /assets/${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`,
        )
        expect(raw.slice(9, 12), target).toBe('404')
        expect(raw).not.toContain(SECRET)
      }
    } finally {
      await server.close()
    }
  })

  it('still serves an absolute path without root, with its length and type', async () => {
    const app = new App()
    app.get('/f', () => Response.file(join(root, 'app.js')))
    const r = await app.inject('/f')
    expect(r.body).toBe(JS)
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(JS))
  })
})

describe('a big file', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('is streamed, not buffered: a client reading 1 chunk leaves the rest unread on disk', async () => {
    const big = join(root, 'big.bin')
    const size = 32 * 1024 * 1024
    await writeFile(big, Buffer.alloc(size, 7))
    try {
      const app = staticApp()
      server = await listen(app, { port: 0 })
      const before = process.memoryUsage().arrayBuffers
      const r = await request(`${server.url}/static/big.bin`)
      expect(Number(r.headers['content-length'])).toBe(size)
      let received = 0
      for await (const chunk of r.body) {
        received += (chunk as Buffer).length
        // while the body is on its way, the server holds far less than the file
        if (received > 1024 * 1024) break
      }
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(size / 2)
      r.body.destroy()
      const ranged = await request(`${server.url}/static/big.bin`, { headers: { range: `bytes=${size - 4}-` } })
      expect(ranged.statusCode).toBe(206)
      expect(Buffer.from(await ranged.body.arrayBuffer())).toEqual(Buffer.alloc(4, 7))
    } finally {
      await rm(big, { force: true })
    }
  })
})

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', 10, [{ start: 0, end: 0 }]],
    ['bytes=0-', 10, [{ start: 0, end: 9 }]],
    ['bytes=-20', 10, [{ start: 0, end: 9 }]],
    ['bytes= 3-4 ', 10, [{ start: 3, end: 4 }]],
    ['bytes=9-9', 10, [{ start: 9, end: 9 }]],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=-0', 10, 'unsatisfiable'],
    ['bytes=10-12, 20-', 10, 'unsatisfiable'],
    ['bytes=0-1, 20-', 10, [{ start: 0, end: 1 }]],
    [
      'bytes=6-7, 0-1',
      10,
      [
        { start: 0, end: 1 },
        { start: 6, end: 7 },
      ],
    ],
    [
      'bytes=0-3, 2-5, 6-6, -2',
      10,
      [
        { start: 0, end: 6 },
        { start: 8, end: 9 },
      ],
    ],
    ['bytes=0-, 0-, 0-', 10, [{ start: 0, end: 9 }]],
    ['bytes=5-2', 10, undefined],
    ['items=0-1', 10, undefined],
    ['bytes=a-b', 10, undefined],
    ['bytes=-', 10, undefined],
    ['bytes=1', 10, undefined],
    ['bytes=99999999999999999999-', 10, undefined],
    [`bytes=${Array.from({ length: 20 }, (_, i) => `${i}-${i}`).join(',')}`, 100, undefined],
  ] as const)('%s over %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })
})

describe('splitRelative', () => {
  it.each([
    ['a/b.txt', { segments: ['a', 'b.txt'], trailingSlash: false }],
    ['a/', { segments: ['a'], trailingSlash: true }],
    ['', { segments: [], trailingSlash: true }],
    ['../a', 'dot segment in path'],
    ['a/./b', 'dot segment in path'],
    ['a//b', 'empty path segment'],
    ['/etc/passwd', 'absolute path'],
    ['C:/x', 'drive letter in path'],
    ['a\\b', 'backslash in path'],
    ['a\0b', 'NUL byte in path'],
  ] as const)('%j', (path, expected) => {
    expect(splitRelative(path)).toEqual(expected)
  })
})
