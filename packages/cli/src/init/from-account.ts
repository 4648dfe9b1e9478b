import type { ECSClient } from '@aws-sdk/client-ecs'
import type { CliIo } from '../io.js'
import { printable } from '../text.js'
import type { Ui } from '../ui.js'
import {
  environmentNames,
  regionOf,
  withRoleAndUrl,
  type InitAnswers,
  type InitFlags
} from './answers.js'
import { containersOf, ecsClient, listClusterNames, listServiceNames } from './discover.js'
import { askUntil, numbered, pickMany, pickOne, type Prompt } from './prompt.js'

/** The schema's limit on services per environment. */
const MAX_SERVICES = 10

/** The cluster whose name mentions the environment (`shop-staging` for staging), if any. */
const guessCluster = (environment: string, clusters: readonly string[]) =>
  clusters.find(cluster => cluster.toLowerCase().includes(environment.toLowerCase()))

async function chooseClusters(names: string[], clusters: string[], prompt: Prompt, ui: Ui) {
  ui.note(`ECS clusters:\n${numbered(clusters)}`)
  const chosen: InitAnswers['environments'] = []
  for (const name of names) {
    const question = `Cluster of ${name} (number or name)`
    const cluster = await askUntil(
      prompt,
      question,
      answer => pickOne(answer, clusters),
      guessCluster(name, clusters)
    )
    chosen.push({ name, cluster })
  }
  return chosen
}

async function chooseServices(ecs: ECSClient, cluster: string, prompt: Prompt, ui: Ui) {
  const services = await ui.step(`Listing the services of ${printable(cluster)}`, () =>
    listServiceNames(ecs, cluster)
  )
  if (services.length === 0) {
    throw new Error(
      `Cluster ${cluster} has no service. Create the services first, or give --service.`
    )
  }
  ui.note(`Services of ${printable(cluster)}:\n${numbered(services)}`)
  const fallback = services.length <= MAX_SERVICES ? services.join(',') : undefined
  const picked = await askUntil(
    prompt,
    `Services to deploy (numbers or names, at most ${MAX_SERVICES})`,
    answer => {
      const names = pickMany(answer, services)
      return names !== undefined && names.length <= MAX_SERVICES ? names : undefined
    },
    fallback
  )
  const containers = await ui.step('Reading their task definitions', () =>
    containersOf(ecs, cluster, picked)
  )
  return picked.map(name => ({ name, containers: containers.get(name) ?? [name] }))
}

/**
 * Answers from the AWS account: its clusters (ListClusters) offered for each environment, and
 * the services of the first environment's cluster (ListServices) to choose from.
 */
export async function answersFromAccount(
  flags: InitFlags,
  io: CliIo,
  prompt: Prompt,
  ui: Ui
): Promise<InitAnswers> {
  const names = environmentNames(flags)
  const region =
    regionOf(flags.region, io.env) ??
    (await askUntil(prompt, 'AWS region', answer => answer || undefined))
  const ecs = await ecsClient(region, io.env)
  try {
    const clusters = await ui.step(`Listing the ECS clusters of ${printable(region)}`, () =>
      listClusterNames(ecs)
    )
    if (clusters.length === 0) {
      throw new Error(
        `No ECS cluster in ${region}. Create the clusters first, or give --cluster and --service.`
      )
    }
    const environments = withRoleAndUrl(
      flags,
      names,
      await chooseClusters(names, clusters, prompt, ui)
    )
    const services = await chooseServices(
      ecs,
      (environments[0] as { cluster: string }).cluster,
      prompt,
      ui
    )
    const reviewers =
      flags.reviewer ??
      (await askUntil(
        prompt,
        `Reviewers of ${names[names.length - 1]} (logins or org/team, space-separated)`,
        answer => answer.split(/[\s,]+/).filter(name => name !== ''),
        ''
      ))
    return { application: flags.application, region, environments, services, reviewers }
  } finally {
    ecs.destroy()
  }
}
