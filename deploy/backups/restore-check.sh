#!/bin/sh
# Proves a dump restores: loads it (default: the newest in BACKUP_DIR) into a scratch
# database, runs a sanity query, drops the scratch database, and records the result
# in BACKUP_DIR/last-restore-check. Exits non-zero when the dump does not restore.
set -eu

: "${PGDATABASE:?PGDATABASE names the backed-up database}"
: "${BACKUP_DIR:?BACKUP_DIR is the folder dumps are in}"
dump="${1:-$(ls -1 "$BACKUP_DIR"/"$PGDATABASE"-*.dump 2>/dev/null | sort | tail -n 1)}"
if [ -z "$dump" ] || [ ! -f "$dump" ]; then
  echo "restore-check: no dump found in $BACKUP_DIR" >&2
  exit 66
fi
scratch="${RESTORE_CHECK_DATABASE:-${PGDATABASE}_restore_check}"
status="$BACKUP_DIR/last-restore-check"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

fail() {
  echo "restore-check: FAILED for $dump: $1" >&2
  printf 'failed %s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(basename "$dump")" "$1" > "$status"
  dropdb --if-exists "$scratch" >/dev/null 2>&1 || true
  exit 1
}

dropdb --if-exists "$scratch" || fail "could not drop an old $scratch"
createdb "$scratch" || fail "could not create $scratch"
pg_restore --no-owner --exit-on-error --dbname="$scratch" "$dump" || fail "pg_restore failed"

# Sanity: the migrations ran and the core tables answer.
counts="$(psql --dbname="$scratch" --no-psqlrc --tuples-only --no-align --field-separator=' ' --command \
  "select (select count(*) from kysely_migration), (select count(*) from sessions), (select count(*) from users), (select count(*) from document_updates)")" \
  || fail "the sanity query failed"
set -- $counts
[ "${1:-0}" -gt 0 ] || fail "no migrations recorded"

dropdb "$scratch" || fail "could not drop $scratch"
result="ok $(date -u +%Y-%m-%dT%H:%M:%SZ) $(basename "$dump"): migrations=$1 sessions=$2 users=$3 document_updates=$4"
echo "$result" > "$status"
echo "restore-check: $result"
