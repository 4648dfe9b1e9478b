// The demo (the whole dev -> staging -> production promotion on the local simulator) is not
// written yet. Say so plainly instead of pretending.
console.error(
  'npm run demo: not available yet. The promotion demo is planned in a later issue; ' +
    'run `npm test` to exercise the actions against the local simulator.'
)
process.exit(1)
