// One tsup setup for every published package: ESM + .d.ts from src/index.ts. stripInternal: members marked
// @internal (Future._state, RequestContext._deps, SseSession._keepAliveTick, …) stay out of the published .d.ts.
import { defineConfig, type Options } from 'tsup'

export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node22',
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: true,
    ...overrides,
  })
}
