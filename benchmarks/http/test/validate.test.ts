import { afterAll, describe, expect, it } from 'vitest'
import { ITEM, SCENARIOS } from '../src/scenarios.ts'
import { DEFAULT_SERVERS, LABELS, loadServer } from '../src/servers/index.ts'
import type { Started } from '../src/servers/types.ts'
import { checkServer } from '../src/validate.ts'

describe('the scenarios', () => {
  it('post a ~200-byte body and answer ~10 KB of JSON for the catalog', async () => {
    expect(JSON.stringify(ITEM).length).toBeGreaterThan(180)
    expect(JSON.stringify(ITEM).length).toBeLessThan(240)
    const catalog = SCENARIOS.find((s) => s.name === 'catalog')!
    const size = JSON.stringify(catalog.expect.json).length
    expect(size).toBeGreaterThan(9_500)
    expect(size).toBeLessThan(11_000)
  })
})

describe.each(DEFAULT_SERVERS)('%s answers every scenario right', (name) => {
  let server: Started | undefined
  afterAll(() => server?.close())

  it(`${LABELS[name]}: status, headers and body of every scenario; 4xx for every invalid request`, async () => {
    server = await (await loadServer(name))(0)
    expect(await checkServer(server.url)).toEqual([])
  }, 30_000) // a dozen sequential requests and a cold import: generous on a busy shared machine
})
