import { App } from '@fasterapi/http'
import { describe, expectTypeOf, it } from 'vitest'
import type { McpOptions, McpServer } from '../src/index.ts'

describe('app.mcp() types', () => {
  it('is a method of App taking optional McpOptions and returning McpServer', () => {
    const app = new App()
    expectTypeOf(app.mcp).parameters.toEqualTypeOf<[options?: McpOptions]>()
    expectTypeOf(app.mcp({ path: '/tools' })).toEqualTypeOf<McpServer>()
    expectTypeOf(app.mcp()).toEqualTypeOf<McpServer>()
  })

  it('checks the options', () => {
    const app = new App()
    // @ts-expect-error: path is a string
    app.mcp({ path: 1 })
    // @ts-expect-error: no such option
    app.mcp({ sessions: true })
  })
})
