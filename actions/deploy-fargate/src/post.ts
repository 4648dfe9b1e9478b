import { runPost } from './cancel.js'

await runPost()
