// Items CRUD on PostgreSQL: validated input, filtered output (the internal `cost` never leaves), reads through
// the request-bound `sql` (a client that leaves cancels its query), writes in a transaction committed before
// the answer is sent.
import { APIRouter, type Dependency, HTTPException } from 'fasterapi'
import type { Database } from 'fasterapi/pg'
import { z } from 'zod'

const ItemFields = z.object({
  name: z.string().trim().min(1).max(100),
  price: z.number().positive().max(1_000_000),
  cost: z.number().nonnegative(),
  tags: z.array(z.string().min(1).max(30)).max(10),
})
const ItemIn = ItemFields.extend({ cost: ItemFields.shape.cost.default(0), tags: ItemFields.shape.tags.default([]) })
// no defaults here: a PATCH that leaves out `cost` or `tags` must keep them, not reset them to 0 and []
const ItemPatch = ItemFields.partial()
// the public shape: `response` validates the handler's value against it and drops every other field
const ItemOut = z.object({ id: z.number(), name: z.string(), price: z.number(), tags: z.array(z.string()) })
const ItemQuery = z.object({
  q: z.string().max(100).optional(),
  maxPrice: z.coerce.number().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})
const ItemId = z.object({ id: z.coerce.number().int().positive() })
const Margin = z.object({ id: z.number(), price: z.number(), cost: z.number(), margin: z.number() })

interface Row {
  id: string
  name: string
  price: string
  cost: string
  tags: string[]
}

// bigint ids and numeric prices arrive as strings (lossless); this API's values fit in a double
const toItem = (row: Row) => ({ ...row, id: Number(row.id), price: Number(row.price), cost: Number(row.cost) })

/** The items routes; `auth` guards the one that reveals the internal cost. */
export function itemRoutes(db: Database, auth: Dependency<unknown>): APIRouter {
  const router = new APIRouter({ tags: ['items'] })

  router.get(
    '/items',
    {
      name: 'listItems',
      summary: 'Lists items, filtered by name and price',
      query: ItemQuery,
      response: z.array(ItemOut),
      deps: { sql: db.sql },
    },
    async ({ query, deps }) => {
      const { sql } = deps
      const filters = [sql`true`]
      if (query.q !== undefined) filters.push(sql`name ilike ${`%${query.q.replace(/[\\%_]/g, '\\$&')}%`}`)
      if (query.maxPrice !== undefined) filters.push(sql`price <= ${query.maxPrice}`)
      const rows =
        await sql<Row>`select * from items where ${sql.join(filters, ' and ')} order by id limit ${query.limit}`
      return rows.map(toItem)
    },
  )

  router.get(
    '/items/{id}',
    { name: 'getItem', summary: 'Finds an item by id', params: ItemId, response: ItemOut, deps: { sql: db.sql } },
    async ({ params, deps }) => {
      const [row] = await deps.sql<Row>`select * from items where id = ${params.id}`
      if (row === undefined) throw new HTTPException(404, 'Item not found')
      return toItem(row)
    },
  )

  // the internal cost, for callers with the API token only
  router.get(
    '/items/{id}/margin',
    {
      name: 'itemMargin',
      summary: "An item's cost and margin (needs the API token)",
      params: ItemId,
      response: Margin,
      deps: { auth, sql: db.sql },
    },
    async ({ params, deps }) => {
      const [row] = await deps.sql<Row>`select * from items where id = ${params.id}`
      if (row === undefined) throw new HTTPException(404, 'Item not found')
      const { id, price, cost } = toItem(row)
      return { id, price, cost, margin: Math.round((price - cost) * 100) / 100 }
    },
  )

  router.post(
    '/items',
    {
      name: 'createItem',
      summary: 'Adds an item',
      body: ItemIn,
      response: ItemOut,
      status: 201,
      deps: { tx: db.transaction },
    },
    async ({ body, deps }) => {
      const [row] = await deps.tx<Row>`insert into items ${deps.tx.insert(body)} returning *`
      return toItem(row!)
    },
  )

  router.patch(
    '/items/{id}',
    {
      name: 'updateItem',
      summary: 'Changes some fields of an item',
      params: ItemId,
      body: ItemPatch,
      response: ItemOut,
      deps: { tx: db.transaction },
    },
    async ({ params, body, deps }) => {
      const fields = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))
      const [row] =
        Object.keys(fields).length === 0
          ? await deps.tx<Row>`select * from items where id = ${params.id}`
          : await deps.tx<Row>`update items set ${deps.tx.update(fields)} where id = ${params.id} returning *`
      if (row === undefined) throw new HTTPException(404, 'Item not found')
      return toItem(row)
    },
  )

  router.delete(
    '/items/{id}',
    { name: 'deleteItem', summary: 'Removes an item', params: ItemId, status: 204, deps: { tx: db.transaction } },
    async ({ params, deps }) => {
      const { count } = await deps.tx`delete from items where id = ${params.id}`
      if (count === 0) throw new HTTPException(404, 'Item not found')
      return null
    },
  )

  return router
}
