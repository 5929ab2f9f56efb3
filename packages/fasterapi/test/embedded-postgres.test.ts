import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPool } from '@fasterapi/pg'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres } from '../src/internal/embedded-postgres.ts'
import { until } from './helpers/database.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/start-embedded.ts', import.meta.url))
const dirs: string[] = []
const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fasterapi-embedded-'))
  dirs.push(dir)
  return dir
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

function startInChild(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', FIXTURE, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk
      if (out.includes('\n')) resolve({ child, url: JSON.parse(out).url })
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)))
  })
}

describe('the embedded PostgreSQL', () => {
  it('keeps its data between runs, and a second process joins the running server instead of starting another', async () => {
    const dir = folder()
    const first = await startEmbeddedPostgres({ dataDir: dir })
    expect(first.owned).toBe(true)
    const sql = createPool({ url: first.url, max: 1 })
    await sql`create table kept (v text)`
    await sql`insert into kept values ('still here')`
    await sql.end()
    const joined = await startEmbeddedPostgres({ dataDir: dir })
    expect(joined).toMatchObject({ owned: false, port: first.port })
    await joined.stop() // a joiner never stops the owner's server
    expect(await accepts(first.port)).toBe(true)
    await first.stop()
    expect(await accepts(first.port)).toBe(false)
    const again = await startEmbeddedPostgres({ dataDir: dir })
    const reopened = createPool({ url: again.url, max: 1 })
    expect([...(await reopened`select v from kept`)]).toEqual([{ v: 'still here' }])
    await reopened.end()
    await again.stop()
  }, 60_000)

  it('stops when its owner is killed without running any exit hook', async () => {
    const dir = folder()
    const { child, url } = await startInChild(dir)
    const port = Number(new URL(url).port)
    expect(await accepts(port)).toBe(true)
    child.kill('SIGKILL')
    await until(async () => !(await accepts(port)), 'the server to stop after its owner died')
  }, 60_000)
})
