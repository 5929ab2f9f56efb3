import { describe, expect, it } from 'vitest'
import { cases, ITEMS } from '../src/impl.ts'

describe('benchmark cases compute the same result in every form', () => {
  it('create', async () => {
    expect(await cases.create.future()).toBe(await cases.create.promise())
  })

  it('chain of 3 then()', async () => {
    expect(cases.chain.future()).toBe(4)
    expect(await cases.chain.futureAwait()).toBe(4)
    expect(await cases.chain.promise()).toBe(4)
  })

  it('await', async () => {
    expect(await cases.await.future()).toBe(await cases.await.promise())
  })

  it('whenAll', async () => {
    const expected = await cases.whenAll.promise()
    expect(cases.whenAll.future()).toEqual(expected)
    expect(await cases.whenAll.futureAwait()).toEqual(expected)
  })

  it('map', async () => {
    const expected = ITEMS.map((x) => x * 2)
    expect(await cases.map.pMap()).toEqual(expected)
    expect(await cases.map.future()).toEqual(expected)
    expect(await cases.map.futureReady()).toEqual(expected)
  })
})
