import { packageConfig } from '../../vitest.shared.ts'

export default packageConfig({ test: { include: ['*.test.ts'], typecheck: { enabled: false } } })
