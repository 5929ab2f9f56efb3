import { packageConfig } from '../../vitest.shared.ts'

export default packageConfig({
  test: {
    // one PostgreSQL for the whole run: the embedded server (or DATABASE_URL), stopped at the end
    globalSetup: ['./test/global-setup.ts'],
  },
})
