import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsonSchemaOf } from '../src/schema.ts'
import { compileSerializer } from '../src/serializer.ts'

const User = z.object({
  id: z.number().int(),
  name: z.string(),
  nick: z.string().optional(),
  active: z.boolean(),
  score: z.number(),
  tags: z.array(z.string()),
  address: z.object({ city: z.string(), zip: z.string().nullable() }),
})

describe('compileSerializer', () => {
  const serialize = compileSerializer(jsonSchemaOf(User, 'output'))!

  it('compiles an object schema of known fields', () => {
    expect(serialize).toBeTypeOf('function')
  })

  it('writes exactly what JSON.stringify writes, for any value the schema admits', () => {
    const user = fc.record(
      {
        id: fc.integer(),
        name: fc.string({ unit: 'binary' }),
        nick: fc.string(),
        active: fc.boolean(),
        score: fc.double({ noNaN: false }),
        tags: fc.array(fc.string({ unit: 'grapheme' })),
        address: fc.record({ city: fc.string(), zip: fc.option(fc.string(), { nil: null }) }),
      },
      { requiredKeys: ['id', 'name', 'active', 'score', 'tags', 'address'] },
    )
    fc.assert(
      fc.property(user, (u) => serialize(u) === JSON.stringify(u)),
      { numRuns: 500 },
    )
  })

  it('falls back to JSON.stringify for what it does not compile', () => {
    expect(compileSerializer(jsonSchemaOf(z.array(User), 'output'))).toBeUndefined()
    expect(compileSerializer(jsonSchemaOf(z.record(z.string(), z.number()), 'output'))).toBeUndefined()
    expect(
      compileSerializer(jsonSchemaOf(z.object({ a: z.union([z.string(), z.number()]) }), 'output')),
    ).toBeUndefined()
  })
})
