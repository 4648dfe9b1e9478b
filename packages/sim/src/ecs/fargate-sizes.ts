import { AwsError } from '../contract.js'

/**
 * Task-level CPU/memory combinations Fargate accepts (AWS docs: "Amazon ECS task definition
 * parameters for Fargate", Task size table). Memory ranges step by 1 GB up to 4 vCPU, then by
 * 4 GB (8 vCPU) and 8 GB (16 vCPU).
 */
const COMBOS: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192)
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = []
  for (let v = from; v <= to; v += step) values.push(v)
  return values
}

/** `1 vCPU` → 1024, `512` → 512. */
export function parseCpu(value: string): number {
  const vcpu = /^\s*([\d.]+)\s*vcpu\s*$/i.exec(value)
  return vcpu ? Math.round(Number(vcpu[1]) * 1024) : Number(value)
}

/** `2 GB` → 2048, `512` → 512. */
export function parseMemory(value: string): number {
  const gb = /^\s*([\d.]+)\s*gb\s*$/i.exec(value)
  return gb ? Math.round(Number(gb[1]) * 1024) : Number(value)
}

export function checkFargateSize(cpu: string | undefined, memory: string | undefined): void {
  if (cpu === undefined) {
    throw new AwsError(
      'ClientException',
      "Fargate requires that 'cpu' be defined at the task level."
    )
  }
  if (memory === undefined) {
    throw new AwsError(
      'ClientException',
      "Fargate requires that 'memory' be defined at the task level."
    )
  }
  const c = parseCpu(cpu)
  const m = parseMemory(memory)
  if (!(COMBOS[c] ?? []).includes(m)) {
    throw new AwsError(
      'ClientException',
      `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. ` +
        'See the Amazon ECS documentation for the valid values.'
    )
  }
}
