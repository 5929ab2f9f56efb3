import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'

const fixture = fileURLToPath(new URL('./fixtures/cluster-app.ts', import.meta.url))

async function pidOf(url: string, path = '/pid'): Promise<number> {
  const r = await request(`${url}${path}`, { reset: true }) // a new connection each time
  return ((await r.body.json()) as { pid: number }).pid
}

describe('listen({ workers })', () => {
  it('serves from several processes on one port, replaces a crashed one and shuts all down', async () => {
    const primary = fork(fixture, {
      execArgv: ['--conditions=@fasterapi/source', '--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    })
    const { url, workers } = await new Promise<{ url: string; workers: number }>((resolve) => {
      primary.stdout!.once('data', (d) => resolve(JSON.parse(String(d))))
    })
    expect(workers).toBe(2)
    const pids = new Set<number>()
    for (let i = 0; i < 60 && pids.size < 2; i++) pids.add(await pidOf(url))
    expect(pids.size).toBe(2)
    expect(pids.has(primary.pid!)).toBe(false)
    const info = (await (await request(`${url}/pid`)).body.json()) as { processes: string }
    expect(info.processes).toBe('2') // each worker knows how many share the machine (executor pool sizing)

    const crashed = await pidOf(url, '/crash')
    const after = new Set<number>()
    for (let i = 0; i < 200 && after.size < 2; i++) {
      try {
        after.add(await pidOf(url))
      } catch {
        // a connection may land on the dying worker
      }
      if (after.size < 2) await new Promise((r) => setTimeout(r, 10))
    }
    expect(after.size).toBe(2)
    expect(after.has(crashed)).toBe(false)

    const exited = new Promise<number | null>((resolve) => primary.once('exit', resolve))
    primary.send('close')
    expect(await exited).toBe(0)
    await expect(pidOf(url)).rejects.toThrow()
  }, 60_000)
})
