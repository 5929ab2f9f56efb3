// No sessions: a client whose calls land on different processes (a new connection each time) sees no
// session error, with the SDK client's 2025-era handshake on one process and its calls on the other.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { describe, expect, it } from 'vitest'

const fixture = fileURLToPath(new URL('./fixtures/cluster-app.ts', import.meta.url))

describe('listen({ workers: 2 })', () => {
  it('answers alternating calls from both processes without any session error', async () => {
    const primary = fork(fixture, {
      execArgv: ['--conditions=@fasterapi/source', '--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    })
    primary.unref()
    const killOnExit = () => primary.kill()
    process.once('exit', killOnExit)
    try {
      const { url, workers } = await new Promise<{ url: string; workers: number }>((resolve, reject) => {
        primary.stdout!.once('data', (d) => resolve(JSON.parse(String(d))))
        primary.once('exit', (code) => reject(new Error(`the cluster exited with ${code}`)))
      })
      expect(workers).toBe(2)
      // a fresh connection per request, so the kernel spreads them over both processes
      const fetchFresh: typeof fetch = (input, init) =>
        fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), connection: 'close' } })
      const client = new Client({ name: 'test-client', version: '1.0.0' })
      await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { fetch: fetchFresh }))
      const pids = new Set<number>()
      for (let i = 0; i < 60 && pids.size < 2; i++) {
        const result = await client.callTool({ name: 'pid', arguments: {} })
        expect(result.isError).toBeFalsy()
        pids.add(
          (result.structuredContent as { pid: number } | undefined)?.pid ??
            JSON.parse((result.content as { text: string }[])[0]!.text).pid,
        )
      }
      expect(pids.size).toBe(2)
      expect(pids.has(primary.pid!)).toBe(false)
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toEqual(['pid'])
      await client.close()
    } finally {
      const exited = new Promise((resolve) => primary.once('exit', resolve))
      if (primary.exitCode === null) primary.send('close')
      await exited
      process.off('exit', killOnExit)
    }
  }, 60_000)
})
