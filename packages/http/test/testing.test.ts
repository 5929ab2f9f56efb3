import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, Response } from '../src/index.ts'
import { TestClient } from '../src/testing.ts'

describe('TestClient', () => {
  it('drives a real ephemeral port: JSON bodies, query strings, redirects left unfollowed', async () => {
    const app = new App()
    app.post('/items', { body: z.object({ name: z.string() }), status: 201 }, ({ body }) => body)
    app.get('/search', ({ query }) => query)
    app.get('/old', () => Response.redirect('/new'))
    await using client = await TestClient.start(app)
    expect(client.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const created = await client.post('/items', { json: { name: 'pen' } })
    expect([created.status, created.json()]).toEqual([201, { name: 'pen' }])
    expect((await client.get('/search', { query: { q: 'a b', n: 2 } })).json()).toEqual({ q: 'a b', n: '2' })
    const moved = await client.get('/old')
    expect([moved.status, moved.headers.get('location')]).toEqual([307, '/new'])
  })

  it('runs the shutdown hooks when disposed', async () => {
    const app = new App()
    let down = false
    app.onEvent('shutdown', () => {
      down = true
    })
    {
      await using client = await TestClient.start(app)
      await client.get('/')
    }
    expect(down).toBe(true)
  })
})
