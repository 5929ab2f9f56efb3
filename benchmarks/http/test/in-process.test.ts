import { describe, expect, it } from 'vitest'
import { check, subject } from '../src/in-process.ts'
import { SCENARIOS } from '../src/scenarios.ts'

describe('the in-process pipeline benchmark', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    'answers %s synchronously with the status and body the load benchmark expects',
    async (_name, scenario) => {
      const who = await subject('this checkout', await import('@fasterapi/http'), await import('@fasterapi/futures'))
      expect(() => check(who, scenario)).not.toThrow()
    },
  )
})
