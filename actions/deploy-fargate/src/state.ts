/** Names of the values main saves for the post step (GITHUB_STATE → STATE_<name>). */
export enum StateKey {
  IsPost = 'isPost',
  Phase = 'phase',
  Cluster = 'cluster',
  Deployments = 'deployments',
  PollIntervalMs = 'poll-interval-ms',
  OnFailure = 'on-failure'
}

/** `deploying` from UpdateService until main has a verdict; the post step acts only then. */
export type Phase = 'deploying' | 'finished'

export interface StartedDeployment {
  service: string
  deploymentId: string
  taskDefinitionArn: string
  previousTaskDefinitionArn: string
}
