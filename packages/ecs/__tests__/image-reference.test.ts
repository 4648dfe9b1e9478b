import { describe, expect, it } from '@jest/globals'
import { isConfigurationError } from '@fargate-promote/common'
import {
  isValidImageReference,
  parseImageReference
} from '../src/task-definitions/image-reference.js'

const DIGEST = `sha256:${'a1'.repeat(32)}`

describe('parseImageReference', () => {
  it.each([
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.4.2',
      {
        registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        repository: 'team/api',
        tag: '1.4.2'
      }
    ],
    ['nginx', { repository: 'nginx' }],
    ['nginx:1.27-alpine', { repository: 'nginx', tag: '1.27-alpine' }],
    ['library/redis:7', { repository: 'library/redis', tag: '7' }],
    [
      'docker.io/bitnami/postgresql:16.4.0',
      { registry: 'docker.io', repository: 'bitnami/postgresql', tag: '16.4.0' }
    ],
    [
      'ghcr.io/acme/web-app@' + DIGEST,
      { registry: 'ghcr.io', repository: 'acme/web-app', digest: DIGEST }
    ],
    [
      'ghcr.io/acme/web_app:v2@' + DIGEST,
      { registry: 'ghcr.io', repository: 'acme/web_app', tag: 'v2', digest: DIGEST }
    ],
    ['localhost:5000/app:dev', { registry: 'localhost:5000', repository: 'app', tag: 'dev' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    [
      'registry.example.com:8443/a/b/c:Feature_X.1',
      { registry: 'registry.example.com:8443', repository: 'a/b/c', tag: 'Feature_X.1' }
    ]
  ])('parses %s', (ref, expected) => {
    expect(parseImageReference(ref)).toEqual({ reference: ref, ...expected })
    expect(isValidImageReference(ref)).toBe(true)
  })

  it.each([
    ['', 'empty'],
    ['nginx :1', 'whitespace'],
    ['my app', 'whitespace'],
    ['MyApp:1', "repository component 'MyApp'"],
    ['ghcr.io/Acme/app:1', "repository component 'Acme'"],
    ['Team/app:1', "registry 'Team'"],
    ['nginx:', 'tag after ":" is empty'],
    ['nginx:latest@', 'digest'],
    ['nginx:latest@sha256:abc', 'digest'],
    ['nginx@sha256:' + 'A'.repeat(64), 'digest'],
    ['nginx:-bad', "tag '-bad'"],
    ['nginx:' + 'a'.repeat(129), 'tag'],
    ['ghcr.io//app', 'empty component'],
    ['ghcr.io/app-', "component 'app-'"],
    ['-bad.io/app', "registry '-bad.io'"],
    [':1', 'no repository'],
    ['a/' + 'b'.repeat(260), 'longer than 255']
  ])('rejects %j (%s)', (ref, why) => {
    expect(isValidImageReference(ref)).toBe(false)
    let caught: unknown
    try {
      parseImageReference(ref, { input: 'images' })
    } catch (error) {
      caught = error
    }
    expect(isConfigurationError(caught)).toBe(true)
    const message = (caught as Error).message
    expect(message).toContain("Input 'images': ")
    // A long value is quoted cut at 200 characters.
    expect(message).toContain(ref.length > 200 ? `'${ref.slice(0, 200)}…'` : `'${ref}'`)
    expect(message).toContain(why)
    expect(message).toContain('Use [registry/]repository')
  })
})
