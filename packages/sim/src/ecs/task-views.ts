import type { TaskRec } from './model.js'

/**
 * A task as DescribeTasks returns it. Every sim container listens on 127.0.0.1 with an ephemeral
 * port: `networkBindings[].hostPort` is that real port and `containerPort` the task definition's,
 * so clients map a task to its load-balancer target `{ id: '127.0.0.1', port: hostPort }`.
 */
export function taskView(task: TaskRec): Record<string, unknown> {
  const running = task.lastStatus === 'RUNNING'
  const eniId = `eni-${task.id.slice(0, 17)}`
  const attachmentStatus =
    task.lastStatus === 'STOPPED' ? 'DELETED' : running ? 'ATTACHED' : 'PRECREATED'
  return {
    taskArn: task.arn,
    clusterArn: task.cluster.arn,
    taskDefinitionArn: task.taskDef.arn,
    group: task.group,
    startedBy: task.startedBy,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    launchType: task.launchType,
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    availabilityZone: `${task.cluster.region}a`,
    cpu: task.taskDef.body.cpu,
    memory: task.taskDef.body.memory,
    connectivity: running ? 'CONNECTED' : undefined,
    connectivityAt: task.connectivityAt,
    createdAt: task.createdAt,
    pullStartedAt: task.pullStartedAt,
    pullStoppedAt: task.pullStoppedAt,
    startedAt: task.startedAt,
    stoppingAt: task.stoppingAt,
    executionStoppedAt: task.executionStoppedAt,
    stoppedAt: task.stoppedAt,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    healthStatus: healthStatus(task),
    overrides: task.overrides ?? { containerOverrides: [] },
    tags: task.tags,
    version: 1,
    attachments: [
      {
        id: `${task.id.slice(0, 8)}-attachment`,
        type: 'ElasticNetworkInterface',
        status: attachmentStatus,
        details: [
          { name: 'subnetId', value: 'subnet-0sim' },
          { name: 'networkInterfaceId', value: eniId },
          { name: 'macAddress', value: '02:00:00:00:00:01' },
          { name: 'privateIPv4Address', value: '127.0.0.1' }
        ]
      }
    ],
    containers: task.containers.map(container => ({
      containerArn: `${task.arn.replace(':task/', ':container/')}/${container.def.name}`,
      taskArn: task.arn,
      name: container.def.name,
      image: container.image,
      imageDigest: container.imageDigest,
      lastStatus: container.lastStatus,
      exitCode: container.exitCode,
      reason: container.reason,
      healthStatus: container.def.hasHealthCheck ? healthStatus(task) : 'UNKNOWN',
      networkBindings:
        container.running === undefined
          ? []
          : (container.def.containerPorts.length > 0 ? container.def.containerPorts : [0]).map(
              containerPort => ({
                bindIP: '127.0.0.1',
                containerPort: containerPort === 0 ? container.running?.port : containerPort,
                hostPort: container.running?.port,
                protocol: 'tcp'
              })
            ),
      networkInterfaces: [
        { attachmentId: `${task.id.slice(0, 8)}-attachment`, privateIpv4Address: '127.0.0.1' }
      ]
    }))
  }
}

/** Container health checks are the only source of task healthStatus in ECS. */
function healthStatus(task: TaskRec): string {
  const checked = task.containers.some(c => c.def.hasHealthCheck)
  if (!checked) return 'UNKNOWN'
  return task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING' ? 'HEALTHY' : 'UNKNOWN'
}
