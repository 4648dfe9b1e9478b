import { AwsError } from '../contract.js'
import { STATISTICS, UNITS } from './alarm-config.js'
import type { Dimension } from './alarm-config.js'
import { invalid, missing } from './params.js'

/**
 * GetMetricData's input, validated the way CloudWatch does. Problems with the queries, the
 * time range or the enums come back together as one `ValidationError` (one line each), as
 * CloudWatch reports them; a missing top-level member is `MissingParameter`.
 */

export type ScanBy = 'TimestampDescending' | 'TimestampAscending'
const SCAN_BY: readonly ScanBy[] = ['TimestampDescending', 'TimestampAscending']

export interface MetricStatQuery {
  id: string
  label?: string
  returnData: boolean
  accountId?: string
  namespace: string
  metricName: string
  dimensions: Dimension[]
  /** Seconds (sim seconds in the sim). */
  period: number
  /** A statistic of STATISTICS or a percentile `pNN.NN`. */
  stat: string
  unit?: string
}

export interface MetricDataRequest {
  queries: MetricStatQuery[]
  /** Wall-clock epoch ms; StartTime inclusive, EndTime exclusive. */
  startMs: number
  endMs: number
  scanBy: ScanBy
  maxDatapoints: number
  /** Where this page starts in the whole answer, and the `now` the first page was computed at. */
  page: { offset: number; now?: number }
}

const MAX_QUERIES = 500
const MAX_DIMENSIONS = 30
export const DEFAULT_MAX_DATAPOINTS = 100_800
const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/
const HIGH_RESOLUTION_PERIODS = [1, 5, 10, 20, 30]
// Valid CloudWatch extended statistics (percentiles, trimmed/winsorized means, ...).
// The percentiles the sim computes (nearest rank): p0.0 to p100.
const PERCENTILE = /^p(?:100|\d{1,2}(?:\.\d{1,2})?)$/
const EXTENDED_STATISTIC =
  /^(?:(?:p|tm|wm|tc|ts)(?:100|\d{1,2}(?:\.\d+)?)|(?:TM|WM|TC|TS|PR)\([^()]+\)|IQM)$/

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined

const present = (value: unknown): boolean => value !== undefined && value !== null

/** A value as an error message quotes it. */
const show = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))

/** Reads one string member; records a problem and returns undefined when absent or bad. */
function text(
  holder: Record<string, unknown>,
  name: string,
  path: string,
  problems: string[],
  { required = false, max = 255 } = {}
): string | undefined {
  const value = holder[name]
  if (!present(value) || value === '') {
    if (required) problems.push(`The parameter ${path}.${name} is required.`)
    return undefined
  }
  if (typeof value !== 'string' || value.length > max) {
    problems.push(
      `The value ${show(value)} for parameter ${path}.${name} must be a string of 1 to ${max} characters.`
    )
    return undefined
  }
  return value
}

function parseDimensions(raw: unknown, path: string, problems: string[]): Dimension[] {
  if (!present(raw)) return []
  if (!Array.isArray(raw)) {
    problems.push(`The parameter ${path}.Dimensions must be a list.`)
    return []
  }
  if (raw.length > MAX_DIMENSIONS) {
    problems.push(
      `The collection ${path}.Dimensions must not have a size greater than ${MAX_DIMENSIONS}.`
    )
  }
  return raw.flatMap((item: unknown, i): Dimension[] => {
    const at = `${path}.Dimensions.member.${i + 1}`
    const d = record(item)
    if (!d) {
      problems.push(`The parameter ${at} must be a structure.`)
      return []
    }
    const Name = text(d, 'Name', at, problems, { required: true })
    const Value = text(d, 'Value', at, problems, { required: true, max: 1024 })
    return Name !== undefined && Value !== undefined ? [{ Name, Value }] : []
  })
}

function parsePeriod(raw: unknown, path: string, problems: string[]): number | undefined {
  if (!present(raw)) {
    problems.push(`The parameter ${path}.Period is required.`)
    return undefined
  }
  const period = raw as number
  if (typeof raw !== 'number' || !Number.isInteger(period) || period < 1) {
    problems.push(
      `The value ${show(raw)} for parameter ${path}.Period must be an integer of at least 1.`
    )
    return undefined
  }
  if (!HIGH_RESOLUTION_PERIODS.includes(period) && period % 60 !== 0) {
    problems.push(
      `The value ${period} for parameter ${path}.Period is not a valid period. Valid values are 1, 5, 10, 20, 30, 60 and any multiple of 60.`
    )
    return undefined
  }
  return period
}

function parseStat(raw: unknown, path: string, problems: string[]) {
  const stat = typeof raw === 'string' ? raw : ''
  if ((STATISTICS as readonly string[]).includes(stat) || PERCENTILE.test(stat)) return stat
  if (EXTENDED_STATISTIC.test(stat)) {
    problems.push(
      `The value ${stat} for parameter ${path}.Stat is a valid statistic, but the simulator computes only ${STATISTICS.join(', ')} and percentiles pNN (not simulated).`
    )
  } else if (!present(raw)) {
    problems.push(`The parameter ${path}.Stat is required.`)
  } else {
    problems.push(`The value ${show(raw)} for parameter ${path}.Stat is not a valid statistic.`)
  }
  return undefined
}

function parseMetricStat(
  raw: unknown,
  path: string,
  problems: string[]
): Omit<MetricStatQuery, 'id' | 'label' | 'returnData' | 'accountId'> | undefined {
  const stat = record(raw)
  if (!stat) {
    problems.push(`The parameter ${path} must be a structure.`)
    return undefined
  }
  const metric = record(stat.Metric)
  if (!metric) problems.push(`The parameter ${path}.Metric is required.`)
  const at = `${path}.Metric`
  const namespace = metric && text(metric, 'Namespace', at, problems, { required: true })
  const metricName = metric && text(metric, 'MetricName', at, problems, { required: true })
  const dimensions = metric ? parseDimensions(metric.Dimensions, at, problems) : []
  const period = parsePeriod(stat.Period, path, problems)
  const statistic = parseStat(stat.Stat, path, problems)
  const unit = stat.Unit
  if (present(unit) && !(UNITS as readonly unknown[]).includes(unit)) {
    problems.push(`The value ${show(unit)} for parameter ${path}.Unit is not a valid unit.`)
  }
  if (!namespace || !metricName || !period || !statistic) return undefined
  return {
    namespace,
    metricName,
    dimensions,
    period,
    stat: statistic,
    unit: present(unit) ? (unit as string) : undefined
  }
}

function parseQuery(raw: unknown, n: number, problems: string[]): MetricStatQuery | undefined {
  const path = `MetricDataQueries.member.${n}`
  const query = record(raw)
  if (!query) {
    problems.push(`The parameter ${path} must be a structure.`)
    return undefined
  }
  const id = text(query, 'Id', path, problems, { required: true })
  if (id !== undefined && !ID_PATTERN.test(id)) {
    problems.push(
      `The value ${id} for parameter ${path}.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.`
    )
  }
  const label = text(query, 'Label', path, problems, { max: 1024 })
  const accountId = text(query, 'AccountId', path, problems)
  const returnData = query.ReturnData
  if (present(returnData) && typeof returnData !== 'boolean') {
    problems.push(`The value ${show(returnData)} for parameter ${path}.ReturnData is not valid.`)
  }
  const period = query.Period
  if (present(period) && !(typeof period === 'number' && Number.isInteger(period) && period >= 1)) {
    problems.push(
      `The value ${show(period)} for parameter ${path}.Period must be an integer of at least 1.`
    )
  }
  const hasStat = present(query.MetricStat)
  if (hasStat && present(query.Expression)) {
    problems.push(
      'The parameters MetricDataQuery Expression and MetricStat are mutually exclusive and you have specified both.'
    )
    return undefined
  }
  if (present(query.Expression)) {
    problems.push(
      `The parameter ${path}.Expression is valid in CloudWatch, but the simulator does not evaluate metric math or Metrics Insights queries (not simulated).`
    )
    return undefined
  }
  if (!hasStat) {
    problems.push(`The parameter ${path}.MetricStat is required.`)
    return undefined
  }
  const stat = parseMetricStat(query.MetricStat, `${path}.MetricStat`, problems)
  if (id === undefined || !stat) return undefined
  return { id, label, accountId, returnData: returnData !== false, ...stat }
}

function timestamp(input: Record<string, unknown>, name: string): number {
  const value = input[name]
  if (!present(value)) throw missing(name)
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(name, value, 'Must be a timestamp (epoch seconds).')
  }
  return value * 1000
}

/** NextToken: the offset of the next datapoint and the `now` of the first page. */
export function encodePageToken(offset: number, now: number): string {
  return Buffer.from(`sim-gmd:${offset}:${now}`).toString('base64')
}

function decodePageToken(token: unknown): MetricDataRequest['page'] {
  if (!present(token)) return { offset: 0 }
  const match =
    typeof token === 'string'
      ? /^sim-gmd:(\d+):(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'))
      : null
  if (!match) throw new AwsError('InvalidNextToken', 'The service cannot decode the NextToken.')
  return { offset: Number(match[1]), now: Number(match[2]) }
}

export function parseMetricDataRequest(input: Record<string, unknown>): MetricDataRequest {
  const raw = input.MetricDataQueries
  if (!present(raw)) throw missing('MetricDataQueries')
  if (!Array.isArray(raw)) throw invalid('MetricDataQueries', raw, 'Must be a list.')
  const startMs = timestamp(input, 'StartTime')
  const endMs = timestamp(input, 'EndTime')

  const problems: string[] = []
  if (raw.length === 0) problems.push('The collection MetricDataQueries must not be empty.')
  if (raw.length > MAX_QUERIES) {
    problems.push(
      `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`
    )
  }
  if (startMs === endMs) {
    problems.push('The parameter StartTime must not equal parameter EndTime.')
  } else if (startMs > endMs) {
    problems.push('The parameter StartTime must be less than the parameter EndTime.')
  }
  const scanBy = input.ScanBy ?? 'TimestampDescending'
  if (!(SCAN_BY as readonly unknown[]).includes(scanBy)) {
    problems.push(
      `The value ${show(scanBy)} for parameter ScanBy is not valid. Valid values are ${SCAN_BY.join(', ')}.`
    )
  }
  const maxDatapoints = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS
  if (typeof maxDatapoints !== 'number' || !Number.isInteger(maxDatapoints) || maxDatapoints < 1) {
    problems.push(
      `The value ${show(maxDatapoints)} for parameter MaxDatapoints must be an integer of at least 1.`
    )
  }

  const queries = raw.slice(0, MAX_QUERIES).map((q: unknown, i) => parseQuery(q, i + 1, problems))
  const seen = new Set<string>()
  raw.slice(0, MAX_QUERIES).forEach((q: unknown, i) => {
    const id = record(q)?.Id
    if (typeof id !== 'string') return
    if (seen.has(id)) {
      problems.push(
        `The value ${id} for parameter MetricDataQueries.member.${i + 1}.Id is a duplicate: Ids must be unique within one request.`
      )
    }
    seen.add(id)
  })
  if (problems.length > 0) throw new AwsError('ValidationError', problems.join('\n'))

  return {
    queries: queries as MetricStatQuery[],
    startMs,
    endMs,
    scanBy: scanBy as ScanBy,
    maxDatapoints: maxDatapoints as number,
    page: decodePageToken(input.NextToken)
  }
}
