import { getState } from '@fargate-promote/runner'
import { runPost } from './cancel.js'
import { run } from './main.js'
import { StateKey } from './state.js'

// One bundle for both stages (as actions/checkout does): main saves isPost, the post stage sees it.
if (getState(StateKey.IsPost) === 'true') await runPost()
else await run()
