export { type GitHubClient, type RepositoryRef, parseRepository } from './github-client.js'
export {
  type DeploymentState,
  type DeploymentPayload,
  type StartRecordOptions,
  type DeploymentRecord,
  type StateOptions,
  type DeploymentHistoryEntry,
  startDeploymentRecord,
  setDeploymentState,
  listDeploymentHistory
} from './deployment-records.js'
