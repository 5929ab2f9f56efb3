// Proves a server answers every scenario right before any load: status, JSON content type, encoding,
// content-length and the decoded body, the variants, and a 4xx for every invalid request.
import { request } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { type Probe, SCENARIOS, type Scenario } from './scenarios.ts'

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The bytes as sent: never decompressed. */
  body: Buffer
}

/** One request on a fresh connection; the body comes back exactly as sent. */
export function send(url: string, probe: Probe): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...probe.headers }
    if (probe.body !== undefined) headers['content-length'] = Buffer.byteLength(probe.body)
    const req = request(`${url}${probe.path}`, { method: probe.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(5_000, () => req.destroy(new Error(`timeout: ${probe.method} ${probe.path}`)))
    req.end(probe.body)
  })
}

function checkReply(
  what: string,
  reply: Reply,
  expect: { status: number; json: unknown; encoding?: 'gzip' },
  failures: string[],
): void {
  const fail = (message: string) => failures.push(`${what}: ${message}`)
  if (reply.status !== expect.status) fail(`status ${reply.status}, expected ${expect.status}`)
  const type = String(reply.headers['content-type'] ?? '')
  if (!type.startsWith('application/json')) fail(`content-type ${JSON.stringify(type)}`)
  const length = reply.headers['content-length']
  if (length !== undefined && Number(length) !== reply.body.length) {
    fail(`content-length ${length} but ${reply.body.length} bytes`)
  }
  const encoding = reply.headers['content-encoding']
  if (encoding !== expect.encoding) fail(`content-encoding ${encoding}, expected ${expect.encoding ?? 'none'}`)
  let text: string
  try {
    text = (encoding === 'gzip' ? gunzipSync(reply.body) : reply.body).toString('utf8')
  } catch (error) {
    fail(`body does not decompress: ${(error as Error).message}`)
    return
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    fail(`body is not JSON: ${text.slice(0, 80)}`)
    return
  }
  if (!isDeepStrictEqual(json, expect.json))
    fail(`body ${text.slice(0, 120)}, expected ${JSON.stringify(expect.json).slice(0, 120)}`)
}

/** Every mismatch of the server at `url` on `scenarios`; empty when all is right. */
export async function checkServer(url: string, scenarios: readonly Scenario[] = SCENARIOS): Promise<string[]> {
  const failures: string[] = []
  for (const s of scenarios) {
    checkReply(`${s.name} ${s.method} ${s.path}`, await send(url, s), s.expect, failures)
    for (const v of s.also)
      checkReply(
        `${s.name} ${v.probe.method} ${v.probe.path} ${JSON.stringify(v.probe.headers)}`,
        await send(url, v.probe),
        v,
        failures,
      )
    for (const probe of s.invalid) {
      const r = await send(url, probe)
      if (r.status < 400 || r.status > 499) {
        failures.push(`${s.name} ${probe.method} ${probe.path} ${probe.body ?? ''}: status ${r.status}, expected a 4xx`)
      }
    }
  }
  return failures
}
