import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import {
  AWS_CLIENT_CONFIG,
  awsClientConfigFor,
  awsUserAgent,
  FARGATE_PROMOTE_VERSION
} from '../src/index.js'

const rootPackage = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')
) as { version: string }

describe('the User-Agent of AWS requests', () => {
  it('names the project at the version of the root package', () => {
    expect(FARGATE_PROMOTE_VERSION).toBe(rootPackage.version)
    expect(awsUserAgent()).toEqual([['fargate-promote', rootPackage.version]])
    expect(AWS_CLIENT_CONFIG.customUserAgent).toEqual(awsUserAgent())
  })

  it('names the front end after the project', () => {
    expect(awsUserAgent('action/deploy-fargate')).toEqual([
      ['fargate-promote', rootPackage.version],
      ['action/deploy-fargate']
    ])
    expect(awsClientConfigFor('cli')).toEqual({
      requestHandler: AWS_CLIENT_CONFIG.requestHandler,
      customUserAgent: awsUserAgent('cli')
    })
  })
})
