// tools/call round trips per second for one trivial route (add two numbers), three ways, one process each on
// a loopback port: our transport (@fasterapi/mcp on the app), the MCP SDK's own server (createMcpHandler +
// toNodeHandler from @modelcontextprotocol/node) with the same tool, and a plain HTTP GET of the route.
// Every answer is checked before timing; rounds are interleaved; CPU per request comes from the server.
// `node --conditions=@fasterapi/source bench/roundtrip.bench.ts` (pnpm --filter @fasterapi/mcp bench)
import { fork } from 'node:child_process'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { App, listen } from '@fasterapi/http'
import { toNodeHandler } from '@modelcontextprotocol/node'
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server'
import autocannon from 'autocannon'
import { z } from 'zod'
import { mcp } from '../src/index.ts'

type Target = 'fasterapi-mcp' | 'sdk-mcp' | 'plain-http'
const TARGETS: Target[] = ['fasterapi-mcp', 'sdk-mcp', 'plain-http']
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const SECONDS = Number(process.env.SECONDS ?? 4)
const CONNECTIONS = 16

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
}
const CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'add', arguments: { a: 1, b: 2 }, _meta: META },
})
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'add',
}

async function serve(target: Target): Promise<string> {
  if (target === 'sdk-mcp') {
    const handler = createMcpHandler(() => {
      const server = new McpServer({ name: 'bench', version: '1.0.0' })
      server.registerTool(
        'add',
        { inputSchema: z.object({ a: z.number(), b: z.number() }), outputSchema: z.object({ sum: z.number() }) },
        ({ a, b }) => ({
          content: [{ type: 'text', text: JSON.stringify({ sum: a + b }) }],
          structuredContent: { sum: a + b },
        }),
      )
      return server
    })
    const node = toNodeHandler(handler)
    const server = createServer((req, res) => void node(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    return `http://127.0.0.1:${port}/mcp`
  }
  const app = new App({ title: 'bench', logger: { error: () => {} } })
  app.get(
    '/add',
    {
      name: 'add',
      query: z.object({ a: z.coerce.number(), b: z.coerce.number() }),
      response: z.object({ sum: z.number() }),
    },
    ({ query }) => ({ sum: query.a + query.b }),
  )
  mcp(app)
  const running = await listen(app, { port: 0, host: '127.0.0.1' })
  return target === 'plain-http' ? `${running.url}/add?a=1&b=2` : `${running.url}/mcp`
}

function requestOf(
  target: Target,
  url: string,
): { url: string; method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } {
  return target === 'plain-http' ? { url, method: 'GET' } : { url, method: 'POST', headers: MCP_HEADERS, body: CALL }
}

// proves each server answers the call correctly before anything is timed
async function check(target: Target, url: string): Promise<void> {
  const r = requestOf(target, url)
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body })
  const text = await res.text()
  const json = JSON.parse(text.startsWith('event:') || text.startsWith('data:') ? text.split('data: ').at(-1)! : text)
  const sum = target === 'plain-http' ? json.sum : json.result?.structuredContent?.sum
  if (res.status !== 200 || sum !== 3) throw new Error(`${target} answered ${res.status} ${text}`)
}

interface Sample {
  rps: number
  p99: number
  cpuPerRequestUs: number
}

async function round(target: Target): Promise<Sample> {
  const child = fork(fileURLToPath(import.meta.url), [target], {
    execArgv: ['--conditions=@fasterapi/source', '--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  child.unref()
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m) => resolve(String(m)))
      child.once('exit', (code) => reject(new Error(`${target} exited with ${code}`)))
    })
    await check(target, url)
    const cpu = () =>
      new Promise<number>((resolve) => {
        child.once('message', (m) => resolve(Number(m)))
        child.send('cpu')
      })
    const before = await cpu()
    const r = requestOf(target, url)
    const result = await autocannon({ ...r, connections: CONNECTIONS, duration: SECONDS })
    const after = await cpu()
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${target}: ${result.non2xx} non-2xx, ${result.errors} errors`)
    return {
      rps: result.requests.average,
      p99: result.latency.p99,
      cpuPerRequestUs: (after - before) / result.requests.total,
    }
  } finally {
    child.kill()
  }
}

async function main(): Promise<void> {
  const samples = new Map<Target, Sample[]>(TARGETS.map((t) => [t, []]))
  for (let i = 0; i < ROUNDS; i++) for (const t of TARGETS) samples.get(t)!.push(await round(t))
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const rows = TARGETS.map((t) => {
    const s = samples.get(t)!
    return {
      t,
      rps: median(s.map((x) => x.rps)),
      p99: median(s.map((x) => x.p99)),
      cpu: median(s.map((x) => x.cpuPerRequestUs)),
    }
  })
  const ours = rows[0]!
  const plain = rows[2]!
  console.log(
    `median of ${ROUNDS} interleaved rounds, ${SECONDS} s each, ${CONNECTIONS} connections, Node ${process.version}\n`,
  )
  console.log('| target | req/s | p99 ms | server CPU µs/call | req/s × ours |')
  console.log('|---|--:|--:|--:|--:|')
  for (const r of rows) {
    console.log(`| ${r.t} | ${Math.round(r.rps)} | ${r.p99} | ${r.cpu.toFixed(1)} | ${(r.rps / ours.rps).toFixed(2)} |`)
  }
  console.log(`\nMCP overhead per call over the plain route: ${(ours.cpu - plain.cpu).toFixed(1)} µs of server CPU`)
}

const mode = process.argv[2] as Target | undefined
if (mode !== undefined && TARGETS.includes(mode)) {
  const url = await serve(mode)
  process.on('message', (m) => {
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage()
      process.send!(user + system)
    }
  })
  process.send!(url)
  process.on('disconnect', () => process.exit(0))
} else {
  await main()
  process.exit(0)
}
