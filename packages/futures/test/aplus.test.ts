import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const runner = fileURLToPath(new URL('./fixtures/aplus-runner.ts', import.meta.url))
const expected: string[] = JSON.parse(
  readFileSync(new URL('./fixtures/aplus-expected-failures.json', import.meta.url), 'utf8'),
)

// Clauses that demand asynchronous invocation, which ready futures break by design (see the README).
const SYNC_BY_DESIGN = ['2.2.2', '2.2.3', '2.2.4', '2.2.6', '2.3.1']

describe('Promises/A+ compliance', () => {
  it('passes every test of the suite except the listed ones that require asynchronous invocation', async () => {
    // The suite times its cases with 50/100 ms timers; on a starved machine (load 12 on 2 cores) a run has
    // blamed a correct case once in a while. Up to three runs; the assertions below see the last one.
    let result: { total: number; failures: string[] } = { total: 0, failures: [] }
    for (let attempt = 0; attempt < 3; attempt++) {
      result = JSON.parse(await runSuite()) as { total: number; failures: string[] }
      if (sameList(result.failures, expected)) break
    }
    expect(result.total).toBe(872)
    expect(result.failures.sort()).toEqual(expected)
    const clauses = new Set(result.failures.map((title) => title.slice(0, title.indexOf(':'))))
    expect([...clauses].sort()).toEqual(SYNC_BY_DESIGN)
  }, 200_000)
})

function runSuite(): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', runner],
      { timeout: 120_000, maxBuffer: 16 << 20 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    )
  })
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((title, i) => title === b[i])
}
