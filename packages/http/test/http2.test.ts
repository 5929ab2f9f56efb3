import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:http2'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, listen, type RunningServer } from '../src/index.ts'

let dir: string
let tls: { key: Buffer; cert: Buffer }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fasterapi-tls-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  ) // prettier-ignore
  tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function app() {
  const a = new App({ compression: true })
  a.get('/hello', ({ request }) => ({ hello: 'world', http: request.exchange.headers[':scheme'] ? 2 : 1 }))
  a.post('/items', { body: z.object({ name: z.string() }), status: 201 }, ({ body }) => body)
  return a
}

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-s', '-k', ...args], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  )
}

function h2Request(url: string, path: string, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const session = connect(url, { rejectUnauthorized: false })
    session.on('error', reject)
    const headers: Record<string, string> = { ':path': path, ':method': method }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const stream = session.request(headers)
    let status = 0
    let text = ''
    stream.on('response', (h) => (status = Number(h[':status'])))
    stream.on('data', (d) => (text += d))
    stream.on('end', () => {
      session.close()
      resolve({ status, body: text })
    })
    stream.end(body)
  })
}

describe('HTTP/2', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('serves HTTP/2 over TLS negotiated by ALPN, with bodies and validation', async () => {
    server = await listen(app(), { port: 0, tls })
    expect(server.url).toMatch(/^https:/)
    const hello = await h2Request(server.url, '/hello')
    expect(hello.status).toBe(200)
    expect(JSON.parse(hello.body)).toEqual({ hello: 'world', http: 2 })
    const created = await h2Request(server.url, '/items', 'POST', '{"name":"pen"}')
    expect([created.status, JSON.parse(created.body)]).toEqual([201, { name: 'pen' }])
    const invalid = await h2Request(server.url, '/items', 'POST', '{"name":1}')
    expect(invalid.status).toBe(422)
  })

  it('falls back to HTTP/1.1 on the same TLS port for clients without HTTP/2', async () => {
    server = await listen(app(), { port: 0, tls })
    const h1 = await curl(['--http1.1', '-w', '\n%{http_version}', `${server.url}/hello`])
    expect(h1.split('\n')).toEqual(['{"hello":"world","http":1}', '1.1'])
    const h2 = await curl(['--http2', '-w', '\n%{http_version}', `${server.url}/hello`])
    expect(h2.split('\n')).toEqual(['{"hello":"world","http":2}', '2'])
  })

  it('serves cleartext HTTP/2 (h2c) with prior knowledge', async () => {
    server = await listen(app(), { port: 0, protocol: 'h2c' })
    const out = await curl(['--http2-prior-knowledge', '-w', '\n%{http_version}', `${server.url}/hello`])
    expect(out.split('\n')).toEqual(['{"hello":"world","http":2}', '2'])
  })

  it('closes HTTP/2 sessions on shutdown so close() resolves', async () => {
    const s = await listen(app(), { port: 0, tls })
    const session = connect(s.url, { rejectUnauthorized: false })
    await new Promise((resolve) => session.once('connect', resolve))
    await s.close()
    await new Promise((resolve) => (session.closed ? resolve(null) : session.once('close', resolve)))
    expect(session.closed).toBe(true)
  })
})
