import { packageConfig } from '../../vitest.shared.ts'

export default packageConfig({
  test: {
    include: ['*.test.ts'],
    typecheck: { enabled: false },
    globalSetup: ['./global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
