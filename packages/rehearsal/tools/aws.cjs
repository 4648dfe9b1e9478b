'use strict'
// Rehearsal stand-in for the AWS CLI: `aws ecr describe-images` against the simulator
// (AWS_ENDPOINT_URL), with `--query 'imageDetails[0].imageDigest' --output text`.
const args = process.argv.slice(2)
const option = name => {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}
if (args[0] !== 'ecr' || args[1] !== 'describe-images') {
  process.stderr.write('aws (rehearsal stand-in): only `aws ecr describe-images` is simulated\n')
  process.exit(254)
}
const ids = (option('--image-ids') || '')
  .split(',')
  .filter(Boolean)
  .map(pair => {
    const [key, value] = pair.split('=')
    return { [key]: value }
  })
const body = {
  repositoryName: option('--repository-name'),
  ...(option('--registry-id') && { registryId: option('--registry-id') }),
  ...(ids.length > 0 && { imageIds: ids })
}
// The region travels in the SigV4 credential scope, as the CLI signs it (the sim reads it there).
const region =
  option('--region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1'
const day = new Date().toISOString().slice(0, 10).replace(/-/g, '')
fetch(process.env.AWS_ENDPOINT_URL || 'http://127.0.0.1:4566', {
  method: 'POST',
  headers: {
    authorization: `AWS4-HMAC-SHA256 Credential=${process.env.AWS_ACCESS_KEY_ID || 'rehearsal'}/${day}/${region}/ecr/aws4_request, SignedHeaders=host, Signature=0`,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeImages'
  },
  body: JSON.stringify(body)
})
  .then(async response => {
    const result = await response.json()
    if (!response.ok) {
      process.stderr.write(
        `An error occurred (${String(result.__type || response.status)
          .split('#')
          .pop()}) when calling the DescribeImages operation: ${result.message || ''}\n`
      )
      process.exit(254)
    }
    const query = option('--query')
    let value = result
    if (query !== undefined) {
      for (const part of query.split(/\.|(?=\[)/)) {
        const index = /^\[(\d+)\]$/.exec(part)
        value = value == null ? undefined : index ? value[Number(index[1])] : value[part]
      }
    }
    const text = option('--output') === 'text'
    process.stdout.write(
      `${text && typeof value !== 'object' ? String(value ?? 'None') : JSON.stringify(value ?? null, null, 2)}\n`
    )
  })
  .catch(error => {
    process.stderr.write(`Could not connect to the endpoint URL: ${error.message}\n`)
    process.exit(255)
  })
