import { describe, expect, it } from 'vitest'
import { nameLimit, slugify, uniqueName } from '../src/internal/names.ts'

describe('tool names', () => {
  it('slugifies operation ids and paths to [a-z0-9_]', () => {
    expect(slugify('getItem')).toBe('get_item')
    expect(slugify('GET_/users/by_id/files')).toBe('get_users_by_id_files')
    expect(slugify('test_simple_text')).toBe('test_simple_text')
    expect(slugify('***')).toBe('tool')
  })

  it('leaves room for the mcp__<server>__ prefix clients add within 64 characters', () => {
    expect(nameLimit('shop')).toBe(64 - 'mcp____'.length - 4)
    expect(nameLimit('x'.repeat(60))).toBe(32)
  })

  it('cuts long names to the limit with a hash, keeping them unique and deterministic', () => {
    const taken = new Set<string>()
    const base = 'list_all_the_invoices_of_a_customer_between_two_dates_grouped_by_month'
    const a = uniqueName(base, 40, taken)
    const b = uniqueName(`${base}_v2`, 40, taken)
    expect(a.length).toBeLessThanOrEqual(40)
    expect(b.length).toBeLessThanOrEqual(40)
    expect(a).not.toBe(b)
    expect(uniqueName(base, 40, new Set())).toBe(a)
  })

  it('numbers a repeated name', () => {
    const taken = new Set<string>()
    expect(uniqueName('get_item', 53, taken)).toBe('get_item')
    expect(uniqueName('get_item', 53, taken)).toBe('get_item_2')
    expect(uniqueName('get_item', 53, taken)).toBe('get_item_3')
  })
})
