import { createServer } from 'node:http'
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { readLimited } from '../src/exchange.ts'

describe('readLimited', () => {
  it('reads a body sent in pieces, whole, and refuses one past the limit with 413', async () => {
    const body = await readLimited(
      Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]),
      { 'content-length': '7' },
      10,
    )
    expect(body.toString()).toBe('{"a":1}')
    const big = readLimited(Readable.from([Buffer.alloc(8), Buffer.alloc(8)]), { 'transfer-encoding': 'chunked' }, 10)
    await expect(big.toPromise()).rejects.toMatchObject({ status: 413 })
  })

  it('reads a stream that yields text (an encoding set on it) as its UTF-8 bytes, limit counted in bytes', async () => {
    const text = readLimited(Readable.from(['{"name":', '"café"}']), { 'transfer-encoding': 'chunked' }, 16)
    expect((await text.toPromise()).toString()).toBe('{"name":"café"}')
    const over = readLimited(Readable.from(['{"name":', '"cafés"}']), { 'transfer-encoding': 'chunked' }, 16)
    await expect(over.toPromise()).rejects.toMatchObject({ status: 413 })
  })

  it('answers 400 with the cause when a stream breaks mid-body', async () => {
    const broken = new Readable({ read() {} })
    const reading = readLimited(broken, { 'content-length': '100' }, 1000).toPromise()
    broken.push(Buffer.from('abc'))
    broken.destroy(new Error('socket hang up'))
    await expect(reading).rejects.toMatchObject({
      status: 400,
      message: 'Request body could not be read: socket hang up',
    })
  })

  it('answers 400 when a node:http client leaves mid-body, without an error listener on the request', async () => {
    const settled = Promise.withResolvers<unknown>()
    const server = createServer((req) => {
      readLimited(req, req.headers, 1000).then(settled.resolve, settled.resolve)
      req.once('data', () => socket.destroy())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    const socket = connect(port, '127.0.0.1', () =>
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc'),
    )
    socket.on('error', () => {})
    try {
      expect(await settled.promise).toMatchObject({ status: 400 })
    } finally {
      server.close()
    }
  })
})
