// completion/complete: suggestions from the values a prompt argument's or a template parameter's schema allows.
import { App, listen, type RunningServer } from '@fasterapi/http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { mcp } from '../src/index.ts'
import { modern, post } from './fixtures/wire.ts'

let running: RunningServer

beforeAll(async () => {
  const app = new App({ title: 'travel', logger: { error: () => {} } })
  const server = mcp(app)
  app.get(
    '/cities/{city}',
    { name: 'city', tags: ['resource'], params: z.object({ city: z.enum(['paris', 'parma', 'oslo', 'caparica']) }) },
    ({ params }) => ({ city: params.city }),
  )
  server.prompt(
    'plan',
    z.object({
      mode: z.enum(['train', 'plane', 'boat']),
      note: z.string(),
      pace: z.literal('slow').or(z.literal('fast')),
    }),
    ({ mode }) => `Plan a trip by ${mode}.`,
  )
  running = await listen(app, { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await running?.close()
})

async function complete(ref: Record<string, unknown>, name: string, value: string) {
  const m = modern('completion/complete', { ref, argument: { name, value } })
  return post(`${running.url}/mcp`, m.body, m.headers)
}

describe('completion/complete', () => {
  it('is declared as a capability', async () => {
    const m = modern('server/discover')
    const r = await post(`${running.url}/mcp`, m.body, m.headers)
    expect(r.json().result.capabilities.completions).toEqual({})
  })

  it("suggests a prompt argument's enum values, prefix matches first", async () => {
    const r = await complete({ type: 'ref/prompt', name: 'plan' }, 'mode', 'pl')
    expect(r.json().result.completion).toEqual({ values: ['plane'], total: 1, hasMore: false })
    const all = await complete({ type: 'ref/prompt', name: 'plan' }, 'mode', '')
    expect(all.json().result.completion.values).toEqual(['train', 'plane', 'boat'])
    const union = await complete({ type: 'ref/prompt', name: 'plan' }, 'pace', 'F')
    expect(union.json().result.completion.values).toEqual(['fast'])
  })

  it("suggests a resource template parameter's values, then those that only contain what was typed", async () => {
    const r = await complete({ type: 'ref/resource', uri: 'app://travel/cities/{city}' }, 'city', 'par')
    expect(r.json().result.completion).toEqual({ values: ['paris', 'parma', 'caparica'], total: 3, hasMore: false })
  })

  it('answers a free-form argument or an unknown argument name with no values', async () => {
    expect((await complete({ type: 'ref/prompt', name: 'plan' }, 'note', 'x')).json().result.completion).toEqual({
      values: [],
      total: 0,
      hasMore: false,
    })
    expect((await complete({ type: 'ref/prompt', name: 'plan' }, 'nope', '')).json().result.completion.values).toEqual(
      [],
    )
  })

  it('answers an unknown prompt, template or ref type with -32602', async () => {
    for (const ref of [
      { type: 'ref/prompt', name: 'missing' },
      { type: 'ref/resource', uri: 'app://travel/nowhere/{x}' },
      { type: 'ref/tool', name: 'plan' },
    ]) {
      const r = await complete(ref, 'mode', '')
      expect(r.status).toBe(200)
      expect(r.json().error.code).toBe(-32602)
    }
  })
})
