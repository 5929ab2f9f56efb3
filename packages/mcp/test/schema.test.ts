import { describe, expect, it } from 'vitest'
import { dereference, openapiPathOf } from '../src/internal/schema.ts'

describe('dereference', () => {
  it('inlines $defs references and drops $defs', () => {
    const schema = {
      type: 'object',
      $defs: { address: { type: 'object', properties: { city: { type: 'string' } } } },
      properties: { home: { $ref: '#/$defs/address' }, work: { $ref: '#/$defs/address', description: 'Office' } },
    }
    expect(dereference(schema, [schema])).toEqual({
      type: 'object',
      properties: {
        home: { type: 'object', properties: { city: { type: 'string' } } },
        work: { type: 'object', properties: { city: { type: 'string' } }, description: 'Office' },
      },
    })
  })

  it('resolves OpenAPI component references from another root', () => {
    const doc = { components: { schemas: { Error: { type: 'string' } } } }
    expect(dereference({ $ref: '#/components/schemas/Error' }, [doc])).toEqual({ type: 'string' })
  })

  it('cuts a recursive reference to {} so the result is finite and has no $ref', () => {
    const tree = {
      $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
      $ref: '#/$defs/node',
    }
    const out = dereference(tree, [tree])
    expect(JSON.stringify(out)).not.toContain('$ref')
    expect(out).toEqual({ type: 'object', properties: { children: { type: 'array', items: {} } } })
  })
})

describe('openapiPathOf', () => {
  it('drops param types from router patterns', () => {
    expect(openapiPathOf('/users/{id:int}/files/{rest:path}')).toBe('/users/{id}/files/{rest}')
  })
})
