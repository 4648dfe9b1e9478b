import { GitHubError, DOCS, invalidRequest } from './responses.js'

/** Reading a JSON request body field by field, failing the way GitHub's schema check does. */

export type Body = Record<string, unknown>

export function objectBody(body: unknown, allowEmpty = true): Body {
  if ((body === undefined || body === null) && allowEmpty) return {}
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GitHubError({
      status: 400,
      body: { message: 'Body should be a JSON object', documentation_url: DOCS, status: '400' }
    })
  }
  return body as Body
}

export class Fields {
  constructor(
    private readonly body: Body,
    private readonly resource: string
  ) {}

  private wrongType(name: string, type: string): GitHubError {
    return invalidRequest(
      `For 'properties/${name}', ${JSON.stringify(this.body[name])} is not ${type}.`,
      { resource: this.resource, field: name, code: 'invalid', value: this.body[name] }
    )
  }

  missing(name: string): GitHubError {
    return invalidRequest(`"${name}" wasn't supplied.`, {
      resource: this.resource,
      field: name,
      code: 'missing_field'
    })
  }

  string(name: string, options: { required?: boolean; nullable?: boolean } = {}) {
    const value = this.body[name]
    if (value === undefined || (value === null && options.nullable === true)) {
      if (options.required === true) throw this.missing(name)
      return undefined
    }
    if (typeof value !== 'string') throw this.wrongType(name, 'a string')
    return value
  }

  boolean(name: string): boolean | undefined {
    const value = this.body[name]
    if (value === undefined) return undefined
    if (typeof value !== 'boolean') throw this.wrongType(name, 'a boolean')
    return value
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.body[name]
    if (value === undefined) return undefined
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw this.wrongType(name, 'an integer')
    }
    if (value < min || value > max) {
      throw invalidRequest(
        `For 'properties/${name}', ${value} is ${value < min ? 'less than the minimum of ' + min : 'greater than the maximum of ' + max}.`,
        { resource: this.resource, field: name, code: 'invalid', value }
      )
    }
    return value
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], required = false): T | undefined {
    const value = this.string(name, { required })
    if (value === undefined) return undefined
    if (!(allowed as readonly string[]).includes(value)) {
      throw invalidRequest(
        `For 'properties/${name}', ${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}.`,
        { resource: this.resource, field: name, code: 'invalid', value }
      )
    }
    return value as T
  }

  stringArray(name: string): string[] | undefined {
    const value = this.body[name]
    if (value === undefined) return undefined
    if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) {
      throw this.wrongType(name, 'an array of strings')
    }
    return value as string[]
  }

  raw(name: string): unknown {
    return this.body[name]
  }
}
