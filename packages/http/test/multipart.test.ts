import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, type Part, UploadFile } from '../src/index.ts'
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
})
