// Written by scripts/build.mjs: source maps on, so that a stack names the .ts file and line.
process.setSourceMapsEnabled(true)
await import('./bundle.js')
