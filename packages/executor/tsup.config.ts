import { packageBuild } from '../../tsup.shared.ts'

// runner.ts is the worker entry: piscina loads it by path in each thread, beside index.js
export default packageBuild({ entry: ['src/index.ts', 'src/runner.ts'] })
