// What `import { App } from 'fasterapi'` costs, each import in a fresh process: the modules it loads (ws,
// piscina and busboy only when a WebSocket route, an offloaded route or a multipart body needs them) and, for
// the record, its time and retained heap beside `@fasterapi/router` alone. Figures are printed, not asserted:
// timings belong to benchmarks, not tests.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const PROBE = fileURLToPath(new URL('./fixtures/import-cost.mjs', import.meta.url))

interface Cost {
  ms: number
  heap: number
  exported: boolean
  modules: string[]
}

async function cost(specifier: string, name: string): Promise<Cost> {
  const { stdout } = await run(process.execPath, [
    '--expose-gc',
    '--conditions=@fasterapi/source',
    '--disable-warning=ExperimentalWarning',
    PROBE,
    specifier,
    name,
  ])
  return JSON.parse(stdout) as Cost
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!

describe('importing fasterapi', () => {
  it('loads neither ws, piscina nor busboy for `import { App }`', async () => {
    const umbrella = await cost('fasterapi', 'App')
    expect(umbrella.exported).toBe(true)
    const heavy = umbrella.modules.filter((url) => /\/node_modules\/(ws|piscina|@fastify\/busboy)\//.test(url))
    expect(heavy).toEqual([])
    // the executor (which loads piscina) is not even resolved
    expect(umbrella.modules.filter((url) => url.includes('/executor/'))).toEqual([])
  }, 60_000)

  it('reports the import time and heap against @fasterapi/router alone', async () => {
    const umbrella: Cost[] = []
    const router: Cost[] = []
    for (let i = 0; i < 3; i++) {
      umbrella.push(await cost('fasterapi', 'App'))
      router.push(await cost('@fasterapi/router', 'Router'))
    }
    const figures = {
      fasterapi: {
        ms: median(umbrella.map((c) => c.ms)),
        heap: median(umbrella.map((c) => c.heap)),
        modules: umbrella[0]!.modules.length,
      },
      router: {
        ms: median(router.map((c) => c.ms)),
        heap: median(router.map((c) => c.heap)),
        modules: router[0]!.modules.length,
      },
    }
    console.info('import cost (median of 3, from source):', JSON.stringify(figures))
    expect(router.every((c) => c.exported)).toBe(true)
    expect(figures.fasterapi.modules).toBeGreaterThan(figures.router.modules)
  }, 120_000)
})
