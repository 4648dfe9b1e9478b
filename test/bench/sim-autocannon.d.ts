// Just the part of autocannon 8's API that the sim benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface Histogram {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    p50: number
    p90: number
    p99: number
    total: number
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    pipelining?: number
    workers?: number
  }
  interface Result {
    requests: Histogram
    latency: Histogram
    throughput: Histogram
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
    '5xx': number
    duration: number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
