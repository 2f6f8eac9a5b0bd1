#!/bin/sh
# Deploys one image tag to a host running docker-compose.yml, from a CI runner:
# copies the deployment files, takes a backup, pulls and starts the new images,
# waits for /readyz, runs the smoke test (deploy/smoke-test.mjs: a session made, joined and
# synced), and rolls back to the previous tag if the new one is not ready or fails it.
set -eu

: "${DEPLOY_HOST:?DEPLOY_HOST: the host to deploy to}"
: "${DEPLOY_USER:?DEPLOY_USER: the SSH user there (in the docker group)}"
: "${DEPLOY_PATH:?DEPLOY_PATH: the folder with docker-compose.yml and .env there}"
: "${DEPLOY_SSH_KEY:?DEPLOY_SSH_KEY: the private key for DEPLOY_USER}"
: "${DEPLOY_KNOWN_HOSTS:?DEPLOY_KNOWN_HOSTS: the host key line(s) for DEPLOY_HOST}"
: "${PODIUM_TAG:?PODIUM_TAG: the image tag (commit) to deploy}"
: "${PODIUM_IMAGE_PREFIX:?PODIUM_IMAGE_PREFIX: where the images are, e.g. ghcr.io/owner/podium}"
: "${PODIUM_URL:?PODIUM_URL: the deployed address, e.g. https://staging.podium.example.org}"

secrets="$(mktemp -d)"
trap 'rm -rf "$secrets"' EXIT
printf '%s\n' "$DEPLOY_SSH_KEY" > "$secrets/key"
printf '%s\n' "$DEPLOY_KNOWN_HOSTS" > "$secrets/known_hosts"
chmod 600 "$secrets/key"
remote() {
  ssh -i "$secrets/key" -o UserKnownHostsFile="$secrets/known_hosts" -o StrictHostKeyChecking=yes \
    -o BatchMode=yes "$DEPLOY_USER@$DEPLOY_HOST" "cd '$DEPLOY_PATH' && $1"
}
# Sets KEY=value in the remote .env (compose reads it), so a plain `docker compose up`
# there keeps running what was deployed.
set_env() {
  remote "touch .env && grep -v '^$1=' .env > .env.next; echo '$1=$2' >> .env.next && mv .env.next .env"
}
switch_to() {
  set_env PODIUM_IMAGE_PREFIX "$PODIUM_IMAGE_PREFIX"
  set_env PODIUM_TAG "$1"
  remote "docker compose pull --quiet sync-server signal-server && docker compose up -d --no-build --remove-orphans"
}
# Polls /readyz every 3 s for READY_TIMEOUT_SECONDS (3 minutes by default).
ready() {
  tries=$(( ${READY_TIMEOUT_SECONDS:-180} / 3 ))
  [ "$tries" -ge 1 ] || tries=1
  i=0
  while [ "$i" -lt "$tries" ]; do
    if curl -fsS --max-time 5 "$PODIUM_URL/readyz" >/dev/null 2>&1; then return 0; fi
    i=$((i + 1))
    [ "$i" -lt "$tries" ] && sleep 3
  done
  return 1
}

echo "deploy: $PODIUM_TAG to $DEPLOY_HOST:$DEPLOY_PATH"
tar -cf - docker-compose.yml Caddyfile deploy | remote "tar -xf -"
if [ -n "${REGISTRY_TOKEN:-}" ]; then
  printf '%s\n' "$REGISTRY_TOKEN" | remote "docker login ${PODIUM_IMAGE_PREFIX%%/*} -u '${REGISTRY_USER:-podium}' --password-stdin >/dev/null"
fi
previous="$(remote "sed -n 's/^PODIUM_TAG=//p' .env 2>/dev/null | tail -n 1" || true)"

# A dump from just before the switch: the way back if a migration has to be undone.
if remote "docker compose ps --status running --services | grep -qx backups"; then
  remote "docker compose exec -T backups sh /backups/bin/backup.sh"
fi

# What people do first, against the deployed address: make a session, join it, sync.
smoke() {
  node deploy/smoke-test.mjs "$PODIUM_URL"
}

switch_to "$PODIUM_TAG"
if ready; then
  if smoke; then
    echo "deploy: $PODIUM_TAG is ready at $PODIUM_URL and passed the smoke test"
    exit 0
  fi
  echo "deploy: $PODIUM_TAG is ready but failed the smoke test at $PODIUM_URL" >&2
else
  echo "deploy: $PODIUM_TAG did not become ready at $PODIUM_URL/readyz" >&2
fi
remote "docker compose logs --tail=100 sync-server signal-server" >&2 || true
if [ -n "$previous" ] && [ "$previous" != "$PODIUM_TAG" ]; then
  echo "deploy: rolling back to $previous" >&2
  switch_to "$previous"
  ready && smoke && echo "deploy: $previous is serving again" >&2
fi
exit 1
