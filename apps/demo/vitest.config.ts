import { packageConfig } from '../../vitest.shared.ts'

export default packageConfig({ test: { globalSetup: ['./test/global-setup.ts'] } })
