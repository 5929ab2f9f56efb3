// One tsup setup for every published package: ESM + .d.ts from src/index.ts.
import { defineConfig, type Options } from 'tsup'

export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node22',
    dts: true,
    sourcemap: true,
    clean: true,
    ...overrides,
  })
}
