import { secretForms, urlWithoutCredentials } from '../src/index.js'

const base64 = (text: string) => Buffer.from(text).toString('base64')

/** Replaces every form of the secret, as a masker does. */
const masked = (text: string, secret: string) =>
  secretForms(secret)
    .sort((a, b) => b.length - a.length)
    .reduce((result, form) => result.split(form).join('***'), text)

describe('secretForms', () => {
  const secret = 's3cr3t/token+value'

  it('holds the secret, each line of a multi-line one, and its percent-encoding', () => {
    expect(secretForms(secret)).toEqual(expect.arrayContaining([secret, 's3cr3t%2Ftoken%2Bvalue']))
    expect(secretForms('-----BEGIN KEY-----\n  abcdefgh\n')).toEqual(
      expect.arrayContaining(['-----BEGIN KEY-----', 'abcdefgh'])
    )
  })

  it.each([
    ['alone', secret],
    ['after 1 byte', `x${secret}`],
    ['after 2 bytes', `xy${secret}`],
    ['as basic auth (user:secret)', `deployer:${secret}`],
    ['followed by a newline', `${secret}\n`]
  ])('hides the secret base64-encoded %s', (_case, text) => {
    const encoded = base64(text)
    expect(masked(encoded, secret)).toContain('***')
    // Nothing of the secret's own bytes is left: at most the 2 characters each side share.
    expect(masked(encoded, secret).replace('***', '').length).toBeLessThanOrEqual(
      encoded.length - secretForms(secret).filter(form => encoded.includes(form))[0]!.length + 2
    )
  })

  it('adds no encoded form too short to be told from ordinary text, nor empty lines', () => {
    expect(secretForms('abcd')).toEqual(['abcd'])
    expect(secretForms('   ')).toEqual([])
  })

  it('masks no line of a multi-line secret too short to be told from ordinary text', () => {
    // A JSON secret's braces would otherwise mask every brace of a report.
    expect(secretForms('{\n  "key": "v4lu3"\n}')).toEqual(expect.not.arrayContaining(['{', '}']))
    expect(secretForms('{\n  "key": "v4lu3"\n}')).toContain('"key": "v4lu3"')
    expect(secretForms('ab\ncd')).toEqual(['ab\ncd'])
  })
})

describe('urlWithoutCredentials', () => {
  it.each([
    ['https://user:p%2Fw@host:8443/x?y=1', 'https://host:8443/x?y=1'],
    ['http://user@host/', 'http://host/'],
    ['https://host/health', 'https://host/health'],
    ['not a url user:pw@host', '***@host']
  ])('%p is linked as %p', (text, shown) => {
    expect(urlWithoutCredentials(text)).toBe(shown)
  })
})
