import { createCloudWatchModule } from './cloudwatch/index.js'
import { createEcrModule } from './ecr/index.js'
import { createEcsModule } from './ecs/index.js'
import { createElbModule } from './elbv2/index.js'
import { createGitHubApi } from './github/index.js'
import { decodeQueryRequest, encodeQueryError, encodeQueryResponse } from './protocols/query.js'
import { createSqsModule } from './sqs/index.js'
import { createTaskRuntime } from './tasks/index.js'
import type { WorldFactories } from './world.js'

export const defaultFactories: WorldFactories = {
  createTaskRuntime,
  createElbModule,
  createCloudWatchModule,
  createSqsModule,
  createEcsModule,
  createGitHubApi,
  createEcrModule,
  queryCodec: { decodeQueryRequest, encodeQueryResponse, encodeQueryError }
}
