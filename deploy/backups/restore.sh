#!/bin/sh
# Restores a dump into PGDATABASE, replacing what is there. Stop the sync-servers first
# (docs/operations.md, "Restore"). Usage: restore.sh /backups/dumps/podium-<stamp>.dump
set -eu

: "${PGDATABASE:?PGDATABASE names the database to restore into}"
dump="${1:?usage: restore.sh <dump file>}"
[ -f "$dump" ] || { echo "restore: $dump does not exist" >&2; exit 66; }

pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$PGDATABASE" "$dump"
echo "restore: $PGDATABASE now holds $(basename "$dump")"
