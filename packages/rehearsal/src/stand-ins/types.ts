/** A stand-in declared by the application (`.github/rehearsal.yml`, `stand-ins:`). */
export interface StandInDeclaration {
  /** What it does instead, for the output ("posts to Slack: not run in a rehearsal"). */
  note?: string
  /** Outputs it sets (literal values). */
  outputs?: Record<string, string>
  /** Variables it exports to later steps of the job. */
  env?: Record<string, string>
}

export interface StandInContext {
  /** The step's inputs, evaluated. */
  with: Record<string, string>
  /** The step's environment. */
  env: Record<string, string>
  workspace: string
  runnerTemp: string
  /** Where upload-artifact copies files. */
  artifacts: string
  simUrl: string
  signal: AbortSignal
}

export interface StandInResult {
  /** One line: what it did instead. */
  note: string
  outputs?: Record<string, string>
  env?: Record<string, string>
  summary?: string
  /** Set when the stand-in fails the step (e.g. the image push was refused). */
  failure?: string
}

export interface StandIn {
  /** For the list of stand-ins: what it stands in with. */
  description: string
  outputs: string[]
  run(context: StandInContext): Promise<StandInResult>
}
