import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

// deploy/remote-deploy.sh as the deploy workflow runs it, with the host it deploys to
// played by a local folder: `ssh` runs the command there, `docker` records what it is
// asked, and `curl` answers /readyz for the image tags a test calls healthy.

const root = resolve(import.meta.dirname, '..')
let dir: string
let host: string

const stubs: Record<string, string> = {
  // ssh [options] user@host "command": run the command here (stdin passes through for tar).
  ssh: 'for last; do :; done\nexec sh -c "$last"',
  docker: [
    'echo "docker $* (PODIUM_TAG=$(sed -n "s/^PODIUM_TAG=//p" .env))" >> "$DEPLOY_LOG"',
    'case "$*" in',
    '  "compose ps --status running --services") echo sync-server; echo backups ;;',
    '  login*) cat > /dev/null ;;',
    'esac',
  ].join('\n'),
  curl: [
    'tag="$(sed -n "s/^PODIUM_TAG=//p" "$HOST_DIR/.env")"',
    'echo "curl $* ($tag)" >> "$DEPLOY_LOG"',
    'case " $HEALTHY_TAGS " in *" $tag "*) exit 0 ;; *) exit 22 ;; esac',
  ].join('\n'),
  // node deploy/smoke-test.mjs URL: passes for the tags a test calls working.
  node: [
    'tag="$(sed -n "s/^PODIUM_TAG=//p" "$HOST_DIR/.env")"',
    'echo "node $* ($tag)" >> "$DEPLOY_LOG"',
    'case " $WORKING_TAGS " in *" $tag "*) exit 0 ;; *) echo "FAIL creating a session" >&2; exit 1 ;; esac',
  ].join('\n'),
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podium-deploy-'))
  host = join(dir, 'host')
  mkdirSync(host)
  mkdirSync(join(dir, 'bin'))
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(dir, 'bin', name), `#!/bin/sh\n${body}\n`)
    chmodSync(join(dir, 'bin', name), 0o755)
  }
  writeFileSync(join(host, '.env'), 'PODIUM_DOMAIN=podium.example.org\nPODIUM_TAG=aaaa1111\n')
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function deploy(tag: string, healthy: string[], working = healthy) {
  const result = spawnSync('sh', [join(root, 'deploy/remote-deploy.sh')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
      DEPLOY_HOST: 'staging.example.org',
      DEPLOY_USER: 'deploy',
      DEPLOY_PATH: host,
      DEPLOY_SSH_KEY: 'a private key',
      DEPLOY_KNOWN_HOSTS: 'staging.example.org ssh-ed25519 AAAA',
      PODIUM_TAG: tag,
      PODIUM_IMAGE_PREFIX: 'ghcr.io/example/podium',
      PODIUM_URL: 'https://staging.example.org',
      REGISTRY_USER: 'ci',
      REGISTRY_TOKEN: 'a registry token',
      READY_TIMEOUT_SECONDS: '3',
      DEPLOY_LOG: join(dir, 'log'),
      HOST_DIR: host,
      HEALTHY_TAGS: healthy.join(' '),
      WORKING_TAGS: working.join(' '),
    },
  })
  const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : ''
  return { code: result.status, output: `${result.stdout}${result.stderr}`, log }
}

const hostEnv = () => readFileSync(join(host, '.env'), 'utf8')

describe('deploy/remote-deploy.sh', () => {
  it('copies the deployment files, backs up, then runs the new tag once it is ready', () => {
    const { code, output, log } = deploy('bbbb2222', ['bbbb2222'])
    expect(code, output).toBe(0)
    for (const file of ['docker-compose.yml', 'Caddyfile', 'deploy/backups/backup.sh']) {
      expect(existsSync(join(host, file)), file).toBe(true)
    }
    expect(hostEnv()).toContain('PODIUM_DOMAIN=podium.example.org\n')
    expect(hostEnv()).toMatch(/^PODIUM_TAG=bbbb2222$/m)
    expect(hostEnv()).toMatch(/^PODIUM_IMAGE_PREFIX=ghcr\.io\/example\/podium$/m)
    const steps = log.split('\n')
    const backup = steps.findIndex((l) => l.includes('exec -T backups sh /backups/bin/backup.sh'))
    const up = steps.findIndex((l) => l.includes('compose up -d --no-build'))
    expect(backup).toBeGreaterThanOrEqual(0)
    expect(up).toBeGreaterThan(backup)
    expect(steps[up]).toContain('(PODIUM_TAG=bbbb2222)')
    expect(log).toContain('docker login ghcr.io -u ci --password-stdin')
    expect(output).toContain('bbbb2222 is ready')
    expect(log).toContain('node deploy/smoke-test.mjs https://staging.example.org (bbbb2222)')
  })

  it('rolls back when the new tag is ready but fails the smoke test', () => {
    const { code, output, log } = deploy('dddd4444', ['aaaa1111', 'dddd4444'], ['aaaa1111'])
    expect(code).toBe(1)
    expect(output).toContain('dddd4444 is ready but failed the smoke test')
    expect(output).toContain('rolling back to aaaa1111')
    expect(output).toContain('aaaa1111 is serving again')
    expect(hostEnv()).toMatch(/^PODIUM_TAG=aaaa1111$/m)
    const smokes = log.split('\n').filter((l) => l.startsWith('node deploy/smoke-test.mjs'))
    expect(smokes).toEqual([
      expect.stringContaining('(dddd4444)'),
      expect.stringContaining('(aaaa1111)'),
    ])
  })

  it('rolls back to the previous tag when the new one does not become ready', () => {
    const { code, output, log } = deploy('cccc3333', ['aaaa1111'])
    expect(code).toBe(1)
    expect(output).toContain('cccc3333 did not become ready')
    expect(output).toContain('rolling back to aaaa1111')
    expect(hostEnv()).toMatch(/^PODIUM_TAG=aaaa1111$/m)
    expect(hostEnv().match(/^PODIUM_TAG=/gm)).toHaveLength(1)
    const ups = log.split('\n').filter((l) => l.includes('compose up -d --no-build'))
    expect(ups).toEqual([
      expect.stringContaining('(PODIUM_TAG=cccc3333)'),
      expect.stringContaining('(PODIUM_TAG=aaaa1111)'),
    ])
  })

  it('refuses to run without the variables it needs, naming them', () => {
    const result = spawnSync('sh', [join(root, 'deploy/remote-deploy.sh')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain('DEPLOY_HOST')
  })
})
