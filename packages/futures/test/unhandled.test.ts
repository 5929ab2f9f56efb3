import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))

// Unhandled rejections end the process, so each case runs in a child Node process on the sources.
function runScript(code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', code],
      { timeout: 60_000 }, // a cold child Node on a loaded machine
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    )
  })
}

describe('unhandled rejections', () => {
  it('reports a failed future nobody handles to process.on("unhandledRejection")', async () => {
    const r = await runScript(`
      import { Future } from ${JSON.stringify(entry)}
      process.on('unhandledRejection', (reason) => { console.log('reported:' + reason.message) })
      Future.ready(1).then(() => { throw new Error('lost') })
    `)
    expect(r.stdout.trim()).toBe('reported:lost')
  })

  it('crashes the process like an unhandled Promise rejection when no listener exists', async () => {
    const r = await runScript(`
      import { Future } from ${JSON.stringify(entry)}
      Future.failed(new Error('fatal-unhandled'))
    `)
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('fatal-unhandled')
  })

  it('stays silent when a handler is attached later in the same turn, or the failure is adopted', async () => {
    const r = await runScript(`
      import { Future } from ${JSON.stringify(entry)}
      process.on('unhandledRejection', (reason) => { console.log('reported:' + reason.message) })
      const f = Future.failed(new Error('a'))
      queueMicrotask(() => f.catch(() => {}))
      const { future, resolve } = Future.withResolvers()
      resolve(Future.failed(new Error('b')))
      future.then(null, () => {})
      await Future.failed(new Error('c')).toPromise().catch(() => {})
      setTimeout(() => console.log('done'), 20)
    `)
    expect(r.stdout.trim()).toBe('done')
  })
})
