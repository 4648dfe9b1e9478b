/** Encoded forms shorter than this are not masked: they would hide ordinary text. */
const MIN_ENCODED_LENGTH = 8

/** Lines of a multi-line secret shorter than this are not masked on their own. */
const MIN_LINE_LENGTH = 4

/**
 * Base64 of the secret as it reads inside a longer encoded text (`Basic base64(user:pw)`,
 * `printf %s "$TOKEN" | base64`): from each of the three byte offsets it may start at, as
 * GitHub's runner masks it, and only the characters the secret alone decides (whole 3-byte
 * groups), so whatever surrounds it does not change the form.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret)
  return [0, 1, 2].map(shift => {
    const whole = Math.floor((bytes.length - shift) / 3) * 3
    return whole > 0 ? bytes.subarray(shift, shift + whole).toString('base64') : ''
  })
}

/**
 * Every form in which a secret may reach a text: as given, each of its lines (output arrives
 * line by line), percent-encoded (in a URL or a form body) and base64-encoded (in a header or
 * a command's output). The runner masks these forms in the log; anything written elsewhere (a
 * summary, a report file, a GitHub record) must mask them itself.
 */
export function secretForms(secret: string): string[] {
  if (secret.trim() === '') return []
  // A line as short as `{` or `}` (a JSON or PEM secret's) would mask every brace of a text.
  const lines = secret
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length >= MIN_LINE_LENGTH)
  const encoded = [encodeURIComponent(secret), ...base64Forms(secret)].filter(
    form => form.length >= MIN_ENCODED_LENGTH
  )
  return [...new Set([secret, ...lines, ...encoded])].filter(form => form.trim() !== '')
}

/**
 * Masks every secret in a text, in every form secretForms names, longest first so a value that
 * contains another is masked whole. The one masker of the project: the runner's step texts, the
 * CLI's output, command-check output and rehearsal logs all go through it.
 */
export function secretMasker(secrets: Iterable<string>, mask = '***'): (text: string) => string {
  const forms = [...new Set([...secrets].flatMap(secretForms).map(form => form.trim()))]
    .filter(form => form !== '')
    .sort((a, b) => b.length - a.length)
  return text => forms.reduce((masked, form) => masked.split(form).join(mask), text)
}
