// One vitest setup for every workspace package: sources resolve through the `@fasterapi/source`
// export condition (no build needed), results land in test-results.json for the summary line.
import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config'

const setup = fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))

export function packageConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  const base = defineConfig({
    resolve: { conditions: ['@fasterapi/source'] },
    ssr: { resolve: { conditions: ['@fasterapi/source'] } },
    test: {
      include: ['test/**/*.test.ts'],
      setupFiles: [setup],
      // Sized for a fully loaded 2-core machine (the whole test command runs packages side by side and tests spawn
      // servers, workers and PostgreSQL): a test fails because it is wrong or hung, never because the machine is slow.
      testTimeout: 60_000,
      hookTimeout: 120_000,
      teardownTimeout: 60_000,
      reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
      typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    },
  })
  return mergeConfig(base, overrides)
}
