import { packageConfig } from '../../vitest.shared.ts'

export default packageConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    // every file talks to the same real server; 30 s covers a cold cluster on a busy machine
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
