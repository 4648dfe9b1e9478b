import { isSettingsFileError, loadYaml } from '@fargate-promote/common'
import { parseConfigText } from '@fargate-promote/promotion'
import { UsageError } from '../failures.js'
import type { InitAnswers } from './answers.js'

/** Task counts the issue asks for; an environment not named here keeps its service's count. */
const DESIRED_COUNTS: Record<string, number> = { dev: 1, staging: 2, production: 3 }

/**
 * Protection by place in the promotion order: the first environment takes any branch, the
 * ones between take main, the last (production) needs reviewers, a 5-minute wait and main.
 */
function protectionOf(index: number, count: number, reviewers: readonly string[]) {
  const last = index === count - 1
  if (!last) return index === 0 && count > 1 ? {} : { branches: ['main'] }
  const users = reviewers.filter(name => !name.includes('/'))
  const teams = reviewers.filter(name => name.includes('/'))
  return {
    reviewers: { users, teams },
    'wait-timer': 5,
    'prevent-self-review': true,
    branches: ['main']
  }
}

function environmentOf(answers: InitAnswers, index: number) {
  const environment = answers.environments[index] as InitAnswers['environments'][number]
  const count = answers.environments.length
  return {
    region: answers.region,
    ...(environment.role === undefined ? {} : { role: environment.role }),
    cluster: environment.cluster,
    ...(environment.url === undefined ? {} : { url: environment.url }),
    services: answers.services,
    ...(environment.name in DESIRED_COUNTS
      ? { 'desired-count': DESIRED_COUNTS[environment.name] }
      : {}),
    ...(count > 1 && index === count - 2 ? { soak: '30m' } : {}),
    ...(index === count - 1 ? { monitor: '24h' } : {}),
    protection: protectionOf(index, count, answers.reviewers)
  }
}

const HEADER = `#
# Fargate Promote: every environment of the application, written by 'fargate-promote init'.
# Review before committing:
#   - role: the OIDC deploy role of each environment's AWS account;
#   - the containers of each service that receive the image your workflow builds;
#   - url, checks and alarms (see workflows-templates/fargate-promote.yml for all settings);
#   - the reviewers of the last environment.
# Then apply the protection to GitHub: 'npx fargate-promote environments apply'.
`

/** The settings a problem's field came from, named as init's flags. */
function flagOf(field: string): string {
  const rules: [RegExp, string][] = [
    [/^application/, '--application'],
    [/\.region$/, '--region'],
    [/\.role$/, '--role'],
    [/\.url$/, '--url'],
    [/\.cluster$/, '--cluster'],
    [/\.services/, '--service'],
    [/\.reviewers/, '--reviewer'],
    [/^environments/, '--environments']
  ]
  return rules.find(([pattern]) => pattern.test(field))?.[1] ?? field
}

/**
 * The config file's text, checked against the schema before anything is written: a flag
 * value the schema refuses (a cluster name with a space) is a usage error naming the flag.
 */
export async function configText(
  answers: InitAnswers,
  schemaLine: string | undefined
): Promise<string> {
  const yaml = await loadYaml()
  const config = {
    version: 1,
    ...(answers.application === undefined ? {} : { application: answers.application }),
    environments: Object.fromEntries(
      answers.environments.map((environment, index) => [
        environment.name,
        environmentOf(answers, index)
      ])
    )
  }
  const text = `${schemaLine === undefined ? '' : `${schemaLine}\n`}${HEADER}${yaml.stringify(config, { aliasDuplicateObjects: false })}`
  try {
    await parseConfigText(text, '.github/fargate-promote.yml')
  } catch (error) {
    if (!isSettingsFileError(error)) throw error
    const lines = error.problems.map(p => `${flagOf(p.field)} (${p.field}): ${p.message}`)
    throw new UsageError(lines.join('\n'))
  }
  return text
}
