import { describe, expect, it } from '@jest/globals'
import { imagesOf } from '../src/deploy/plan.js'

describe('imagesOf: the images one service of a deploy gets', () => {
  const images = {
    web: 'repo/web:2',
    'api/web': 'repo/web@sha256:aaa',
    'worker/worker': 'repo/worker@sha256:bbb'
  }

  it('a service/container key is for that service only and wins over the plain key', () => {
    expect(imagesOf(images, 'api', ['web', 'sidecar'])).toEqual({ web: 'repo/web@sha256:aaa' })
    expect(imagesOf(images, 'worker', ['worker'])).toEqual({ worker: 'repo/worker@sha256:bbb' })
    expect(imagesOf(images, 'admin', ['web'])).toEqual({ web: 'repo/web:2' })
  })

  it('with one service every plain key is kept, so render names an unknown container', () => {
    expect(imagesOf({ app: 'x:1', 'web/web': 'y:1' }, 'web', undefined)).toEqual({
      app: 'x:1',
      web: 'y:1'
    })
  })
})
