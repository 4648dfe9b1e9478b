/*
 * The tags this project writes on task-definition revisions: what a later deploy, rollback or
 * staging gate reads back to know what a revision is and where it came from.
 */

/** Tag deploy writes on every revision it registers: the ARN that was live before it. */
export const PREVIOUS_TAG = 'fargate-promote:previous'
/** Tag written by reinstateRevision on the copy of an INACTIVE revision. */
export const REINSTATED_FROM_TAG = 'fargate-promote:reinstated-from'
/** Tag key holding the released version (the caller of deploy passes it in `tags`). */
export const VERSION_TAG = 'version'
/** Tag key holding the commit SHA the revision was built from (deploy writes it). */
export const COMMIT_TAG = 'commit'
/** Tags written on the revision a service was rolled back to. */
export const ROLLED_BACK_AT_TAG = 'fargate-promote:rolled-back-at'
export const ROLLBACK_REASON_TAG = 'fargate-promote:rollback-reason'
/** ECS limit on a tag value, in characters. */
export const TAG_VALUE_LIMIT = 256
