import { packageConfig } from '../../vitest.shared.ts'

// every file talks to the same real server, started once; the shared timeouts are sized for a loaded machine
export default packageConfig({ test: { globalSetup: ['./test/global-setup.ts'] } })
