import * as v from 'valibot'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.ts'
import { arrayKeysOf, withArrays } from '../src/internal/query-arrays.ts'
import { type Client, transports } from './helpers/transports.ts'

describe.each(transports)('query arrays (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  function app() {
    const a = new App()
    const Search = z.object({
      tag: z.array(z.string()),
      ids: z.array(z.coerce.number().int()).optional(),
      q: z.string().optional(),
    })
    a.get('/search', { query: Search }, ({ query }) => query)
    return a
  }

  it('hands a key whose schema is an array an array even with one value, like list[str] = Query()', async () => {
    client = await open(app())
    expect((await client.request({ path: '/search?tag=a' })).json()).toEqual({ tag: ['a'] })
    expect((await client.request({ path: '/search?tag=a&tag=b&ids=7' })).json()).toEqual({ tag: ['a', 'b'], ids: [7] })
  })

  it('leaves the other keys as they came, and still refuses a missing required array', async () => {
    client = await open(app())
    expect((await client.request({ path: '/search?tag=a&q=pens' })).json()).toEqual({ tag: ['a'], q: 'pens' })
    const r = await client.request({ path: '/search?q=pens' })
    expect(r.status).toBe(422)
    expect(r.json().detail[0].loc).toEqual(['query', 'tag'])
  })
})

describe('arrayKeysOf', () => {
  it('finds the array keys of a query schema from its JSON Schema, optional and nullable ones included', () => {
    const schema = z.object({
      tag: z.array(z.string()),
      maybe: z.array(z.string()).optional(),
      either: z.array(z.string()).nullable(),
      one: z.string(),
    })
    expect(arrayKeysOf(schema)).toEqual(['tag', 'maybe', 'either'])
  })

  it('finds none in a schema that cannot describe itself as JSON Schema', () => {
    expect(arrayKeysOf(v.object({ tag: v.array(v.string()) }))).toEqual([])
  })

  it('copies the query only when a single value needs wrapping', () => {
    const query = Object.assign(Object.create(null), { tag: ['a', 'b'], q: 'x' })
    expect(withArrays(query, ['tag'])).toBe(query)
    const single = Object.assign(Object.create(null), { tag: 'a', q: 'x' })
    expect(withArrays(single, ['tag'])).toEqual({ tag: ['a'], q: 'x' })
    expect(single.tag).toBe('a')
  })
})
