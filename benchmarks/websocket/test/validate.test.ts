import { describe, expect, it } from 'vitest'
import { SERVERS } from '../src/servers.ts'
import { echoWireSize, validate } from '../src/validate.ts'

describe.each(SERVERS)('%s echoes exactly what it receives', (kind) => {
  it('without compression', async () => {
    const { extensions, mismatches } = await validate(kind, false)
    expect(mismatches).toEqual([])
    expect(extensions).toBe('')
  })
  it('with permessage-deflate', async () => {
    const { extensions, mismatches } = await validate(kind, true)
    expect(mismatches).toEqual([])
    expect(extensions).toContain('permessage-deflate')
  })
})

describe('compression of small messages', () => {
  it('plain ws with perMessageDeflate: true deflates even a 64-byte message (the detection works)', async () => {
    const { wire, uncompressed } = await echoWireSize('ws', 64)
    expect(wire).toBeLessThan(uncompressed)
  })
  it('a 64 KB message is deflated by ours', async () => {
    const { wire, uncompressed } = await echoWireSize('fasterapi', 64 * 1024)
    expect(wire).toBeLessThan(uncompressed)
  })
  // ws applies permessage-deflate's threshold only with server_no_context_takeover; @fasterapi/http applies the
  // route's threshold per message itself, so a small echo goes out uncompressed.
  it('ours leaves a 64-byte message uncompressed (default threshold 1024)', async () => {
    const { wire, uncompressed } = await echoWireSize('fasterapi', 64)
    expect(wire).toBe(uncompressed)
  })
  it('passing compress: byteLength >= threshold per send fixes it', async () => {
    const small = await echoWireSize('fasterapi-threshold', 64)
    expect(small.wire).toBe(small.uncompressed)
    const big = await echoWireSize('fasterapi-threshold', 64 * 1024)
    expect(big.wire).toBeLessThan(big.uncompressed)
  })
})
