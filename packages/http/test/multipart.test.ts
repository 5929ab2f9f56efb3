import { Readable } from 'node:stream'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, listen, type Part, UploadFile } from '../src/index.ts'
import { type Client, transports } from './helpers/transports.ts'

function form(entries: [string, string | Blob, string?][]): FormData {
  const fd = new FormData()
  for (const [name, value, filename] of entries) {
    if (typeof value === 'string') fd.append(name, value)
    else fd.append(name, value, filename)
  }
  return fd
}

describe.each(transports)('multipart uploads (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it('streams fields and files to the handler in order', async () => {
    const app = new App()
    app.post('/upload', { bodyTypes: ['multipart'] }, async ({ body }) => {
      const seen: string[] = []
      for await (const part of body as AsyncIterable<Part>) {
        if (part.kind === 'field') seen.push(`${part.name}=${part.value}`)
        else {
          let size = 0
          for await (const chunk of part.stream) size += chunk.length
          seen.push(`${part.name}:${part.filename}:${part.mimeType}:${size}`)
        }
      }
      return seen
    })
    client = await open(app)
    const r = await client.request({
      method: 'POST',
      path: '/upload',
      body: form([
        ['title', 'holiday'],
        ['photo', new Blob([new Uint8Array(300_000)], { type: 'image/png' }), 'beach.png'],
        ['note', 'sunny'],
      ]),
    })
    expect(r.json()).toEqual(['title=holiday', 'photo:beach.png:image/png:300000', 'note=sunny'])
  })

  it('drains a file the handler skips and still reaches the next part', async () => {
    const app = new App()
    app.post('/skip', { bodyTypes: ['multipart'] }, async ({ body }) => {
      const names: string[] = []
      for await (const part of body as AsyncIterable<Part>) names.push(part.name)
      return names
    })
    client = await open(app)
    const r = await client.request({
      method: 'POST',
      path: '/skip',
      body: form([
        ['a', new Blob(['x'.repeat(100_000)]), 'a.txt'],
        ['b', new Blob(['y'.repeat(100_000)]), 'b.txt'],
        ['c', 'done'],
      ]),
    })
    expect(r.json()).toEqual(['a', 'b', 'c'])
  })

  it('collects the form and validates it with a schema, files as UploadFile', async () => {
    const app = new App()
    app.post(
      '/profile',
      {
        bodyTypes: ['multipart'],
        body: z.object({ name: z.string().min(1), avatar: z.instanceof(UploadFile) }),
      },
      ({ body }) => ({ name: body.name, file: body.avatar.filename, size: body.avatar.size, text: body.avatar.text() }),
    )
    client = await open(app)
    const ok = await client.request({
      method: 'POST',
      path: '/profile',
      body: form([
        ['name', 'ada'],
        ['avatar', new Blob(['hello']), 'me.txt'],
      ]),
    })
    expect(ok.json()).toEqual({ name: 'ada', file: 'me.txt', size: 5, text: 'hello' })
    const bad = await client.request({ method: 'POST', path: '/profile', body: form([['name', 'ada']]) })
    expect(bad.status).toBe(422)
    expect(bad.json().detail[0].loc).toEqual(['body', 'avatar'])
  })

  it('refuses a file over the limit with 413', async () => {
    const app = new App({ bodyLimit: 1000 })
    app.post('/small', { bodyTypes: ['multipart'], body: z.object({ f: z.instanceof(UploadFile) }) }, () => 'ok')
    client = await open(app)
    const r = await client.request({
      method: 'POST',
      path: '/small',
      body: form([['f', new Blob([new Uint8Array(5000)]), 'big.bin']]),
    })
    expect(r.status).toBe(413)
  })

  it('answers a multipart body without a boundary with 400', async () => {
    const app = new App()
    app.post('/m', { bodyTypes: ['multipart'], body: z.object({}) }, () => 'ok')
    client = await open(app)
    const r = await client.request({
      method: 'POST',
      path: '/m',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'garbage',
    })
    expect(r.status).toBe(400)
  })

  it('refuses with 413 a form whose fields or files are each under the limits but whose whole body is not', async () => {
    const app = new App({ bodyLimit: 256 * 1024 })
    app.post('/form', { body: z.object({}).passthrough(), bodyTypes: ['multipart'] }, () => 'ok')
    app.post('/stream', { bodyTypes: ['multipart'] }, async ({ body }) => {
      for await (const _ of body as AsyncIterable<Part>);
      return 'ok'
    })
    client = await open(app)
    const fields = form(Array.from({ length: 40 }, (_, i) => [`f${i}`, 'x'.repeat(30_000)] as [string, string]))
    const files = form(
      Array.from(
        { length: 10 },
        (_, i) => [`f${i}`, new Blob([new Uint8Array(40_000)]), `${i}.bin`] as [string, Blob, string],
      ),
    )
    for (const path of ['/form', '/stream']) {
      expect((await client.request({ method: 'POST', path, body: fields })).status).toBe(413)
      expect((await client.request({ method: 'POST', path, body: files })).status).toBe(413)
    }
    // the same form under the limit is accepted
    const small = form([['a', 'x'.repeat(30_000)]])
    expect((await client.request({ method: 'POST', path: '/form', body: small })).status).toBe(200)
  })

  it('refuses with 413, not 200, a streamed form with more fields than the part limits allow', async () => {
    const app = new App()
    app.post('/stream', { bodyTypes: ['multipart'] }, async ({ body }) => {
      let n = 0
      for await (const _ of body as AsyncIterable<Part>) n++
      return n
    })
    client = await open(app)
    const many = form(Array.from({ length: 1001 }, (_, i) => [`f${i}`, 'v'] as [string, string]))
    const r = await client.request({ method: 'POST', path: '/stream', body: many })
    expect(r.status).toBe(413)
    expect(r.json().detail).toMatch(/Too many fields/)
  })
})

describe('multipart bodies without a declared length', () => {
  it('counts a chunked body against bodyLimit and answers 413 past it', async () => {
    const app = new App({ bodyLimit: 64 * 1024 })
    app.post('/form', { body: z.object({}).passthrough(), bodyTypes: ['multipart'] }, () => 'ok')
    app.post('/stream', { bodyTypes: ['multipart'] }, async ({ body }) => {
      for await (const part of body as AsyncIterable<Part>)
        if (part.kind === 'file') for await (const _ of part.stream);
      return 'ok'
    })
    const server = await listen(app, { port: 0 })
    try {
      const fields = form(Array.from({ length: 8 }, (_, i) => [`f${i}`, 'x'.repeat(20_000)] as [string, string]))
      const file = form([
        ['big', new Blob([new Uint8Array(60_000)]), 'a.bin'],
        ['b', new Blob([new Uint8Array(60_000)]), 'b.bin'],
      ])
      for (const body of [fields, file]) {
        for (const path of ['/form', '/stream']) {
          const encoded = new globalThis.Response(body)
          const bytes = Buffer.from(await encoded.arrayBuffer())
          const res = await request(`${server.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': encoded.headers.get('content-type')! },
            body: Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]), // chunked: no content-length
          })
          await res.body.dump()
          expect(res.statusCode).toBe(413)
        }
      }
    } finally {
      await server.close()
    }
  })
})
