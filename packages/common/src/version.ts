// A JSON import, not a file read: the bundler inlines the one field used, so a bundled action
// knows its version without the package file beside it.
import rootPackage from '../../../package.json' with { type: 'json' }

/** This project's release, as the root package.json states it. */
export const FARGATE_PROMOTE_VERSION: string = rootPackage.version
