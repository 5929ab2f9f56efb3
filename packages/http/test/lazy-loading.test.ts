import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const fixture = fileURLToPath(new URL('./fixtures/lazy-imports.ts', import.meta.url))

describe('optional dependencies load on first use', () => {
  it(
    'loads no ws, executor/piscina or busboy for import { App }, and each one only when a route needs it',
    { timeout: 60_000 },
    async () => {
      const { stdout } = await run(
        process.execPath,
        ['--disable-warning=ExperimentalWarning', '--conditions=@fasterapi/source', fixture],
        { timeout: 50_000 },
      )
      const steps = JSON.parse(stdout.trim().split('\n').at(-1)!)
      const none = { ws: false, piscina: false, executor: false, busboy: false }
      expect(steps.imported).toEqual(none)
      expect(steps.plainRequests).toEqual(none)
      expect(steps.multipart).toEqual({ ...none, busboy: true })
      expect(steps.offload).toEqual({ ws: false, piscina: true, executor: true, busboy: true })
      expect(steps.websocket).toEqual({ ws: true, piscina: true, executor: true, busboy: true })
    },
  )
})
