#!/bin/sh
# One backup: pg_dump of PGDATABASE into BACKUP_DIR, the oldest dumps beyond
# BACKUP_KEEP removed, then restore-check.sh on the new dump.
# Connection: the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE).
set -eu

: "${PGDATABASE:?PGDATABASE names the database to back up}"
: "${BACKUP_DIR:?BACKUP_DIR is the folder dumps are written to}"
keep="${BACKUP_KEEP:-28}"
case "$keep" in
  '' | *[!0-9]* | 0) echo "BACKUP_KEEP must be a whole number of dumps to keep, at least 1 (got '$keep')" >&2; exit 64 ;;
esac

here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$BACKUP_DIR/$PGDATABASE-$stamp.dump"

# Written under a temporary name and renamed, so a dump that failed halfway never
# counts as the latest.
pg_dump --format=custom --no-owner --file="$dump.partial" "$PGDATABASE"
mv "$dump.partial" "$dump"
echo "backup: wrote $dump ($(wc -c < "$dump" | tr -d ' ') bytes)"

# Dump names sort by time; keep the newest $keep.
ls -1 "$BACKUP_DIR"/"$PGDATABASE"-*.dump | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
  rm -f "$old"
  echo "backup: removed $old"
done

sh "$here/restore-check.sh" "$dump"
