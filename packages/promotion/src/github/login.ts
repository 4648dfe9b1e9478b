/**
 * A GitHub login as GitHub allows it: letters, digits and hyphens, starting with a letter or a
 * digit, at most 39 characters. The config file's reviewers and staging-gate's emergency-actors
 * are checked by this one rule.
 */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/

/** What a login looks like, for the errors about one. */
export const GITHUB_LOGIN_FORM =
  'a GitHub login: letters, digits and hyphens, at most 39 characters, e.g. octocat'

/** Who can run a workflow (GITHUB_ACTOR): a login, or a GitHub App's `name[bot]`. */
export function isGitHubActor(text: string): boolean {
  return GITHUB_LOGIN.test(text.replace(/\[bot\]$/, ''))
}
