// A realistic app's whole document, compared with a reviewed file: any change to the generated document shows up
// as a diff of test/__snapshots__/openapi-notes.json.snap in review (JSON; the .snap name keeps the formatter off
// it). Update it with `vitest -u` once the change is intended.
import { compileErrors, validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { APIRouter, App, HTTPException } from '../src/index.ts'
import type { RouteDocs } from '../src/openapi.ts'
import type { RouteConfig } from '../src/route.ts'

const withDocs = (docs: RouteDocs & RouteConfig) => docs as RouteConfig

export function notesService(): App {
  const app = new App({
    title: 'Notes',
    version: '2.0.0',
    description: 'A notes service on PostgreSQL.',
    logger: { error() {}, warn() {} },
  })
  const Tag = z.object({ id: z.number().int(), label: z.string().max(32) }).meta({ id: 'Tag' })
  const Note = z
    .object({
      id: z.number().int(),
      title: z.string(),
      body: z.string(),
      tags: z.array(Tag),
      created_at: z.date(),
      updated_at: z.date().nullable(),
    })
    .meta({ id: 'Note' })
  const NoteIn = z
    .object({
      title: z.string().min(1).max(200),
      body: z.string().default(''),
      tags: z.array(z.number().int()).default([]),
    })
    .meta({ id: 'NoteIn' })
  const notes = new APIRouter({ prefix: '/notes', tags: ['notes'] })
  notes.get(
    '/',
    {
      summary: 'List notes',
      query: z.object({
        tag: z.array(z.string()).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        after: z.coerce.date().optional(),
      }),
      response: z.array(Note),
    },
    () => [],
  )
  notes.post(
    '/',
    {
      summary: 'Create a note',
      body: NoteIn,
      response: Note,
      status: 201,
      responses: { 409: 'A note with this title exists' },
    },
    () => {
      throw new HTTPException(409)
    },
  )
  notes.get('/{id:int}', { summary: 'One note', response: Note, responses: { 404: 'Note not found' } }, () => {
    throw new HTTPException(404)
  })
  notes.put(
    '/{id:int}',
    { name: 'replaceNote', body: NoteIn, response: Note, responses: { 404: 'Note not found' } },
    () => {
      throw new HTTPException(404)
    },
  )
  notes.delete('/{id:int}', { status: 204, responses: { 404: 'Note not found' } }, () => undefined)
  app.include(notes, { prefix: '/api' })
  app.get('/api/tags', { tags: ['tags'], response: z.array(Tag) }, () => [])
  app.get(
    '/api/changes',
    withDocs({ tags: ['notes'], description: 'Note changes as they happen.', mediaType: 'text/event-stream' }),
    () => null,
  )
  app.get('/healthz', { includeInSchema: false }, () => 'ok')
  return app
}

describe('the OpenAPI document of a notes service', () => {
  it('matches the reviewed snapshot and passes the external validator', async () => {
    const doc = notesService().openapi()
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/openapi-notes.json.snap')
    const result = await validate(structuredClone(doc) as never)
    if (!result.valid) expect.fail(compileErrors(result))
    expect(result.warnings).toEqual([])
  })
})
