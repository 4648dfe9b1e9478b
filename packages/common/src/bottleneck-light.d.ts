// bottleneck ships types for its main entry only; its light build (the one Octokit's throttling
// plugin loads, without the Redis clustering code) has the same API.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
