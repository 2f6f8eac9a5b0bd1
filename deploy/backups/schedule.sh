#!/bin/sh
# The backups service: a backup (with its restore check) every BACKUP_EVERY_HOURS hours.
# A failed run is logged and retried at the next tick; the service keeps running.
set -eu

hours="${BACKUP_EVERY_HOURS:-6}"
case "$hours" in
  '' | *[!0-9]* | 0) echo "BACKUP_EVERY_HOURS must be a whole number of hours, at least 1 (got '$hours')" >&2; exit 64 ;;
esac
here="$(cd "$(dirname "$0")" && pwd)"

until pg_isready --quiet; do
  echo "backups: waiting for Postgres at ${PGHOST:-localhost}"
  sleep 2
done
while true; do
  sh "$here/backup.sh" || echo "backups: this run failed; see above. Next try in $hours h." >&2
  sleep "$((hours * 3600))"
done
