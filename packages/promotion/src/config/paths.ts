/** Where application repositories keep the file; the actions and the CLI read it from here. */
export const DEFAULT_CONFIG_PATH = '.github/fargate-promote.yml'
