import { packageBuild } from '../../tsup.shared.ts'

export default packageBuild({
  entry: [
    'src/index.ts',
    'src/pg.ts',
    'src/sse.ts',
    'src/executor.ts',
    'src/futures.ts',
    'src/router.ts',
    'src/mcp.ts',
    'src/testing.ts',
    'src/cli.ts',
  ],
})
