import { App } from '@fasterapi/http'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { mcp } from '../src/index.ts'

function app(): App {
  return new App({ title: 'shop', logger: { error: () => {} } })
}

describe('the tool set', () => {
  it('is computed at startup from every documented route, including those added after mounting', async () => {
    const a = app()
    const server = mcp(a)
    a.get('/users/{id:int}', () => null)
    a.get('/hidden', { includeInSchema: false }, () => null)
    await a.startup()
    expect(server.tools().map((t) => t.name)).toEqual(['get_users_by_id'])
    a.post('/late', { name: 'late' }, () => null)
    expect(server.tools().map((t) => t.name)).toEqual(['get_users_by_id', 'late'])
  })

  it('filters by tag and operation id', async () => {
    const a = app()
    const server = mcp(a, { include: { tags: ['items'] }, exclude: { operationIds: ['dropItem'] } })
    a.get('/items', { name: 'listItems', tags: ['items'] }, () => [])
    a.delete('/items/{id}', { name: 'dropItem', tags: ['items'] }, () => null)
    a.get('/users', { name: 'listUsers', tags: ['users'] }, () => [])
    await a.startup()
    expect(server.tools().map((t) => t.name)).toEqual(['list_items'])
  })

  it('puts the body under `body` when its properties clash with a param, and keeps the output schema', async () => {
    const a = app()
    const server = mcp(a)
    a.put(
      '/items/{id}',
      {
        name: 'putItem',
        summary: 'Replace',
        description: 'Replaces an item.',
        body: z.object({ id: z.string(), name: z.string() }),
        response: z.object({ ok: z.boolean() }),
      },
      () => ({ ok: true }),
    )
    await a.startup()
    const [tool] = server.tools()
    expect(tool!.description).toBe('Replace\n\nReplaces an item.')
    expect(tool!.route.body).toBe('nested')
    expect(tool!.inputSchema).toMatchObject({
      properties: { id: { type: 'string' }, body: { type: 'object', required: ['id', 'name'] } },
      required: ['id', 'body'],
    })
    expect(tool!.outputSchema).toMatchObject({ type: 'object', properties: { ok: { type: 'boolean' } } })
    expect(tool!.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: true })
  })

  it('keeps names within the limit that leaves room for the server name', async () => {
    const a = app()
    const server = mcp(a, { name: 'a-rather-long-server-name' })
    a.get('/reports/{year}/{month}/customers/{customer}/invoices/{invoice}/lines', () => [])
    await a.startup()
    const [tool] = server.tools()
    expect(`mcp__a_rather_long_server_name__${tool!.name}`.length).toBeLessThanOrEqual(64)
  })
})
