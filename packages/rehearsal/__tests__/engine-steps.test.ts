import { afterEach, describe, expect, it } from '@jest/globals'
import { REHEARSAL_TOKEN } from '../src/rehearse.js'
import type { RehearsalResult } from '../src/model.js'
import { cleanUp, job, onPush, rehearseRepo, step } from './fixtures/engine/repo.js'

afterEach(cleanUp)

const WORKFLOW = '.github/workflows/ci.yml'

function logs(result: RehearsalResult, key: string): string[] {
  return job(result, key).steps.map(s => s.log)
}

describe('step status functions after a failed step (GitHub: the job fails, only failure()/always() steps run)', () => {
  it('success() steps are skipped, failure() and always() steps run', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: ok
        run: echo ok
      - id: boom
        name: Boom \${{ github.ref_name }}
        run: |
          echo "before"
          exit 3
          echo "never"
      - id: implicit
        run: echo implicit
      - id: explicit
        if: success()
        run: echo explicit
      - id: on-failure
        if: failure()
        run: echo "failure() holds"
      - id: on-always
        if: always()
        run: echo "always() holds"
      - id: on-cancel
        if: cancelled()
        run: echo cancelled
      - id: not-cancelled
        if: \${{ !cancelled() && steps.boom.outcome == 'failure' }}
        run: echo "outcome failure"
`)
    })
    const a = job(result, 'a')
    expect(a.steps.map(s => [s.id, s.state])).toEqual([
      ['ok', 'success'],
      ['boom', 'failure'],
      ['implicit', 'skipped'],
      ['explicit', 'skipped'],
      ['on-failure', 'success'],
      ['on-always', 'success'],
      ['on-cancel', 'skipped'],
      ['not-cancelled', 'success']
    ])
    expect(step(result, 'a', 'boom')).toMatchObject({
      name: 'Boom main',
      log: 'before\n',
      reason: 'Process completed with exit code 3.'
    })
    expect(a).toMatchObject({
      state: 'failure',
      reason: 'Boom main: Process completed with exit code 3.'
    })
    expect(step(result, 'a', 'not-cancelled').log).toBe('outcome failure\n')
    expect(result.conclusion).toBe('failure')
    // Every step that ran has its times; skipped steps have an end only.
    for (const s of a.steps.filter(s => s.state !== 'skipped')) {
      expect(s.startedAt).toBeLessThanOrEqual(s.endedAt as number)
    }
  })

  it('continue-on-error: the step fails, the job goes on and succeeds', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: flaky
        run: exit 1
        continue-on-error: true
      - id: flaky-expr
        run: exit 2
        continue-on-error: \${{ github.ref == 'refs/heads/main' }}
      - id: next
        run: echo "\${{ steps.flaky.outcome }} \${{ steps.flaky-expr.outcome }}"
`)
    })
    expect(job(result, 'a').steps.map(s => s.state)).toEqual(['failure', 'failure', 'success'])
    expect(step(result, 'a', 'next').log).toBe('failure failure\n')
    expect(job(result, 'a').state).toBe('success')
    expect(result.conclusion).toBe('success')
  })

  it('continue-on-error false (or an expression that fails) does not let the job go on', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
        continue-on-error: \${{ fromJSON('{') }}
      - run: echo next
`)
    })
    expect(job(result, 'a').steps.map(s => s.state)).toEqual(['failure', 'skipped'])
    expect(job(result, 'a').state).toBe('failure')
  })
})

describe('runner files', () => {
  it('GITHUB_OUTPUT (name=value and name<<EOF heredocs) become step outputs, then job outputs', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  build:
    runs-on: ubuntu-latest
    outputs:
      version: \${{ steps.meta.outputs.version }}
      notes: \${{ steps.meta.outputs.notes }}
      both: \${{ steps.meta.outputs.version }}/\${{ steps.other.outputs.x }}
    steps:
      - id: meta
        run: |
          echo "version=1.2.3" >> "$GITHUB_OUTPUT"
          echo "equation=a=b" >> "$GITHUB_OUTPUT"
          {
            echo "notes<<NOTES_EOF"
            echo "line one"
            echo "line two"
            echo "NOTES_EOF"
          } >> "$GITHUB_OUTPUT"
      - id: other
        run: echo "x=y" >> "$GITHUB_OUTPUT"
  use:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - env:
          NOTES: \${{ needs.build.outputs.notes }}
        run: |
          echo "\${{ needs.build.outputs.version }} \${{ needs.build.result }}"
          echo "$NOTES"
`)
    })
    expect(step(result, 'build', 'meta').outputs).toEqual({
      version: '1.2.3',
      equation: 'a=b',
      notes: 'line one\nline two'
    })
    expect(job(result, 'build').outputs).toEqual({
      version: '1.2.3',
      notes: 'line one\nline two',
      both: '1.2.3/y'
    })
    expect(logs(result, 'use')).toEqual(['1.2.3 success\nline one\nline two\n'])
  })

  it('a heredoc without its delimiter fails the step with the runner message', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: bad
        run: printf 'x<<END\\nno end\\n' >> "$GITHUB_OUTPUT"
`)
    })
    expect(step(result, 'a', 'bad')).toMatchObject({
      state: 'failure',
      reason: "Matching delimiter not found 'END'.",
      log: "Matching delimiter not found 'END'.\n"
    })
  })

  it('GITHUB_ENV is exported to later steps (environment and env context), not to earlier ones', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "[\${FROM_STEP:-unset}]"
      - run: |
          echo "FROM_STEP=exported" >> "$GITHUB_ENV"
          printf 'MULTI<<EOV\\nfirst\\nsecond\\nEOV\\n' >> "$GITHUB_ENV"
      - run: |
          echo "[$FROM_STEP] [\${{ env.FROM_STEP }}]"
          echo "$MULTI"
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: echo "[\${FROM_STEP:-unset}]"
`)
    })
    expect(logs(result, 'a')).toEqual(['[unset]\n', '', '[exported] [exported]\nfirst\nsecond\n'])
    // Another job does not see it.
    expect(logs(result, 'b')).toEqual(['[unset]\n'])
  })

  it('GITHUB_PATH puts directories before PATH for later steps, the newest first', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          for d in one two; do
            mkdir -p "$RUNNER_TEMP/$d"
            printf '#!/bin/sh\\necho "greet from %s"\\n' "$d" > "$RUNNER_TEMP/$d/greet"
            chmod +x "$RUNNER_TEMP/$d/greet"
          done
          echo "$RUNNER_TEMP/one" >> "$GITHUB_PATH"
      - run: |
          greet
          echo "$RUNNER_TEMP/two" >> "$GITHUB_PATH"
      - run: greet
`)
    })
    expect(logs(result, 'a')).toEqual(['', 'greet from one\n', 'greet from two\n'])
  })

  it('GITHUB_STEP_SUMMARY is kept as the step summary', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: s
        run: echo "### Deployed :rocket:" >> "$GITHUB_STEP_SUMMARY"
`)
    })
    expect(step(result, 'a', 's').summary).toBe('### Deployed :rocket:\n')
  })
})

describe('environment variables', () => {
  it('workflow env < job env < GITHUB_ENV < step env, in the process and in the env context', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(
        `  a:
    runs-on: ubuntu-latest
    env:
      B: job
      C: job
      D: job
    steps:
      - run: |
          echo "C=exported" >> "$GITHUB_ENV"
          echo "D=exported" >> "$GITHUB_ENV"
      - env:
          D: step
        run: |
          echo "$A $B $C $D"
          echo "\${{ env.A }} \${{ env.B }} \${{ env.C }}"
`,
        `env:\n  A: wf\n  B: wf\n  C: wf\n  D: wf\n`
      )
    })
    expect(logs(result, 'a')[1]).toBe('wf job exported step\nwf job exported\n')
  })

  it('the runner variables point at the simulator and this run', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "$CI $GITHUB_ACTIONS $GITHUB_REPOSITORY $GITHUB_REPOSITORY_OWNER $GITHUB_REF $GITHUB_REF_NAME $GITHUB_REF_TYPE"
          echo "$GITHUB_EVENT_NAME $GITHUB_ACTOR $GITHUB_RUN_ID $GITHUB_WORKFLOW $GITHUB_SHA"
          echo "$GITHUB_API_URL $AWS_ENDPOINT_URL $RUNNER_OS $FARGATE_PROMOTE_SIM_CLOCK"
          test "$GITHUB_WORKSPACE" = "$PWD" && echo "in the workspace"
          jq -r '.ref + " " + .after + " " + .repository.full_name' "$GITHUB_EVENT_PATH" 2>/dev/null || node -e "const e=require(process.env.GITHUB_EVENT_PATH);console.log(e.ref+' '+e.after+' '+e.repository.full_name)"
`)
      },
      { runId: 42, url: 'http://127.0.0.1:1', scale: 1000 }
    )
    const [log = ''] = logs(result, 'a')
    const [line1, line2, line3, line4, line5] = log.split('\n')
    expect(line1).toBe('true true shop/web shop refs/heads/main main branch')
    expect(line2).toBe(`push octocat 42 CI ${result.sha}`)
    expect(line3).toMatch(
      /^http:\/\/127\.0\.0\.1:1\/github http:\/\/127\.0\.0\.1:1 Linux \d+,1000$/
    )
    expect(line4).toBe('in the workspace')
    expect(line5).toBe(`refs/heads/main ${result.sha} shop/web`)
  })

  it('the github context of a push', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event_name }} \${{ github.ref_type }} \${{ github.ref_name }} \${{ github.repository_owner }} \${{ github.event.head_commit.id == github.sha }} \${{ github.workflow }}"
`)
      },
      { ref: 'refs/tags/v1.0.0' }
    )
    expect(logs(result, 'a')).toEqual(['push tag v1.0.0 shop true CI\n'])
    expect(result).toMatchObject({ event: 'push', ref: 'refs/tags/v1.0.0', title: 'CI' })
  })
})

describe('defaults.run and shells', () => {
  it('working-directory and shell from the workflow, overridden by the job and the step', async () => {
    const result = await rehearseRepo({
      'sub/dir/file.txt': 'in sub/dir\n',
      'other/file.txt': 'in other\n',
      [WORKFLOW]: onPush(
        `  a:
    runs-on: ubuntu-latest
    steps:
      - run: cat file.txt
      - working-directory: other
        run: cat file.txt
  b:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: other
        shell: bash
    steps:
      - run: cat file.txt; false | true
      - shell: sh
        run: echo "sh ran"
`,
        `defaults:\n  run:\n    working-directory: sub/dir\n`
      )
    })
    expect(logs(result, 'a')).toEqual(['in sub/dir\n', 'in other\n'])
    // shell: bash is `bash --noprofile --norc -eo pipefail {0}`: a failing pipe fails the step.
    expect(job(result, 'b').steps.map(s => [s.state, s.log, s.reason])).toEqual([
      ['failure', 'in other\n', 'Process completed with exit code 1.'],
      ['skipped', '', undefined]
    ])
  })

  it('without shell:, bash -e without pipefail (GitHub: bash -e {0})', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          false | true
          echo "pipe ignored"
      - run: |
          false
          echo "never"
`)
    })
    expect(job(result, 'a').steps.map(s => [s.state, s.log])).toEqual([
      ['success', 'pipe ignored\n'],
      ['failure', '']
    ])
  })

  it('a custom shell with {0}, and a shell the rehearsal cannot run', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - shell: cat {0}
        run: the script itself
      - id: pwsh
        shell: pwsh
        run: Write-Output hi
        continue-on-error: true
      - shell: sh
        run: echo "$0" | grep -c sh
`)
    })
    expect(job(result, 'a').steps.map(s => [s.state, s.log])).toEqual([
      ['success', 'the script itself\n'],
      ['failure', ''],
      ['success', '1\n']
    ])
    expect(step(result, 'a', 'pwsh').reason).toBe(
      'Shell pwsh is not available in a rehearsal (bash, sh or a command with {0}).'
    )
  })
})

describe('workflow commands', () => {
  it('::error::, ::warning:: and ::notice:: annotations, with escaped data; ::debug:: is hidden', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: s
        run: |
          echo "::error::the deploy failed"
          echo "::warning file=app.js,line=1,col=5::unused%0Avariable 100%25"
          echo "::notice title=Note::just so you know"
          echo "::debug::only with debug logging"
          echo "plain line"
`)
    })
    const s = step(result, 'a', 's')
    expect(s.annotations).toEqual([
      { level: 'error', message: 'the deploy failed' },
      { level: 'warning', message: 'unused\nvariable 100%' },
      { level: 'notice', message: 'just so you know' }
    ])
    // The annotations stay in the log as written; ::debug:: is not shown.
    expect(s.log).toBe(
      '::error::the deploy failed\n::warning file=app.js,line=1,col=5::unused%0Avariable 100%25\n::notice title=Note::just so you know\nplain line\n'
    )
    // An ::error:: annotation alone does not fail a step.
    expect(s.state).toBe('success')
  })

  it('::stop-commands:: turns commands off until the token comes back', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: s
        run: |
          echo "::stop-commands::pausetoken"
          echo "::warning::not a command"
          echo "::add-mask::notamask"
          echo "notamask"
          echo "::pausetoken::"
          echo "::warning::a command again"
          echo "::add-mask::nowamask"
          echo "nowamask"
`)
    })
    const s = step(result, 'a', 's')
    expect(s.annotations).toEqual([{ level: 'warning', message: 'a command again' }])
    expect(s.log).toBe(
      [
        '::stop-commands::pausetoken',
        '::warning::not a command',
        '::add-mask::notamask',
        'notamask',
        '::pausetoken::',
        '::warning::a command again',
        '***',
        ''
      ].join('\n')
    )
  })

  it('::add-mask:: values and secrets never appear in a log, output, summary, reason or annotation', async () => {
    const secret = 'sup3r-s3cret-v4lue'
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    outputs:
      leaked: \${{ steps.s.outputs.key }}
      masked: \${{ steps.s.outputs.generated }}
    steps:
      - id: s
        env:
          KEY: \${{ secrets.API_KEY }}
        run: |
          echo "key is $KEY"
          echo "::add-mask::generated-passw0rd"
          echo "generated-passw0rd" > "$RUNNER_TEMP/password"
          echo "the password is generated-passw0rd"
          echo "key=$KEY" >> "$GITHUB_OUTPUT"
          echo "generated=generated-passw0rd" >> "$GITHUB_OUTPUT"
          echo "summary with $KEY" >> "$GITHUB_STEP_SUMMARY"
          echo "::warning::careful with $KEY"
          echo "token \${{ github.token }} \${{ secrets.GITHUB_TOKEN }}"
      - id: fail
        run: |
          echo "::error::failed with $(cat "$RUNNER_TEMP/password")"
          exit 1
  b:
    needs: a
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.a.outputs.leaked }}"
`)
      },
      { secrets: { API_KEY: secret, SHORT: 'ab' } }
    )
    const text = JSON.stringify(result)
    expect(text).not.toContain(secret)
    expect(text).not.toContain('generated-passw0rd')
    expect(text).not.toContain(REHEARSAL_TOKEN)
    const s = step(result, 'a', 's')
    expect(s.log).toBe(
      'key is ***\nthe password is ***\n::warning::careful with ***\ntoken *** ***\n'
    )
    expect(s.outputs).toEqual({ key: '***', generated: '***' })
    expect(s.summary).toBe('summary with ***\n')
    expect(s.annotations).toEqual([{ level: 'warning', message: 'careful with ***' }])
    expect(step(result, 'a', 'fail').annotations).toEqual([
      { level: 'error', message: 'failed with ***' }
    ])
    expect(job(result, 'a').outputs).toEqual({ leaked: '***', masked: '***' })
    // (GitHub drops a job output holding a secret; either way job b never sees the value.)
    expect(job(result, 'b').state).toBe('success')
  })
})

describe('expressions while running', () => {
  it('an expression that fails at run time fails the step, with an error problem', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: bad
        run: echo "\${{ fromJSON('not json') }}"
      - if: always()
        run: echo after
`)
    })
    const bad = step(result, 'a', 'bad')
    expect(bad.state).toBe('failure')
    expect(bad.reason).toMatch(/^Expression \$\{\{ .*fromJSON\('not json'\).* \}\}: /)
    expect(result.problems).toEqual([
      expect.objectContaining({
        level: 'error',
        file: WORKFLOW,
        job: 'a',
        step: 'bad',
        expression: expect.stringContaining("fromJSON('not json')")
      })
    ])
    expect(job(result, 'a').steps[1]?.log).toBe('after\n')
    expect(job(result, 'a').state).toBe('failure')
  })

  it('a failing step if: fails the step', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: bad
        if: fromJSON('{') == 1
        run: echo never
`)
    })
    expect(step(result, 'a', 'bad')).toMatchObject({
      state: 'failure',
      reason: expect.stringContaining("Expression ${{ success() && (fromJSON('{') == 1) }}")
    })
    expect(result.problems[0]).toMatchObject({
      level: 'error',
      step: 'bad',
      expression: "success() && (fromJSON('{') == 1)"
    })
  })

  it('step names: name: evaluated, else Run and the first line of run: or uses:', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo first line
          echo second
      - uses: actions/checkout@v4
      - name: Deploy \${{ github.ref_name }}
        run: echo
`)
    })
    expect(job(result, 'a').steps.map(s => [s.name, s.kind])).toEqual([
      ['Run echo first line', 'run'],
      ['Run actions/checkout@v4', 'stand-in'],
      ['Deploy main', 'run']
    ])
  })
})
