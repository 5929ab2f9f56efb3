import { packageBuild } from '../../tsup.shared.ts'

// stripInternal: members marked @internal (RequestContext._deps, _abort, …) stay out of the published .d.ts
export default packageBuild({
  entry: ['src/index.ts', 'src/testing.ts'],
  dts: { compilerOptions: { stripInternal: true } },
})
