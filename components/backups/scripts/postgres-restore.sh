#!/usr/bin/env bash
# postgres-restore.sh: restores one dump written by postgres-backup.sh into a database of the
# same server. The dump is downloaded and checked against its .sha256 before any database is
# touched; the database is created if missing, then filled by pg_restore.
#
# Environment:
#   NETWORK               the network; BACKUP_BUCKET must name it
#   BACKUP_BUCKET         the network's S3 backup bucket
#   BACKUP_PREFIX         the database's prefix in it (e.g. postgres); read only under it
#   BACKUP_TIMESTAMP      optional: the dump (<yyyymmddThhmmssZ>); default the latest with a .sha256
#   BACKUP_S3_ENDPOINT    optional: --endpoint-url for the backup bucket (tests only)
#   SCRATCH_DIR           optional, default /tmp/backup: room for the dump
#   RESTORE_DATABASE      optional, default ${PGDATABASE}_restore_check; PGDATABASE itself is
#   RESTORE_INTO_LIVE     refused unless this is yes
#   PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE   libpq's own variables (PGDATABASE is
#                         the database this script connects to in order to create RESTORE_DATABASE)
#
# The backup bucket is reached through the AWS CLI's default credential chain (IRSA web identity in
# the cluster), whose role may list and get under $BACKUP_PREFIX/ only.
set -euo pipefail
# errtrace: the ERR trap (the one-line error) fires inside functions and subshells too.
set -o errtrace
umask 077
export LC_ALL=C AWS_PAGER=""

readonly SCRIPT=postgres-restore
# >>> shared: common. The same in the four backup scripts (tests/tools/backupScripts.spec.ts compares the copies).
STEP="starting"
HINT=""
log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SCRIPT" "$*"; }
step() {
    STEP="$*"
    log "$*"
}
die() {
    printf '%s: error: %s\n' "$SCRIPT" "$*" >&2
    exit 1
}
on_error() {
    local rc=$?
    printf '%s: error: %s failed (exit %d)%s\n' "$SCRIPT" "$STEP" "$rc" "${HINT:+; $HINT}" >&2
    exit "$rc"
}
trap on_error ERR

for name in NETWORK BACKUP_BUCKET BACKUP_PREFIX; do
    [[ -n "${!name:-}" ]] || die "$name is not set"
done
[[ "$NETWORK" =~ ^[a-z][a-z0-9-]*$ ]] || die "NETWORK '$NETWORK' is not a network name"
[[ "-$BACKUP_BUCKET-" == *"-$NETWORK-"* ]] || die "BACKUP_BUCKET '$BACKUP_BUCKET' is not a bucket of network $NETWORK"
prefix_re="^[A-Za-z0-9!_.'()-]+(/[A-Za-z0-9!_.'()-]+)*$"
[[ "$BACKUP_PREFIX" =~ $prefix_re && "/$BACKUP_PREFIX/" != *"/./"* && "/$BACKUP_PREFIX/" != *"/../"* ]] ||
    die "BACKUP_PREFIX '$BACKUP_PREFIX' is not a key prefix without leading or trailing '/' (e.g. object-store, postgres)"
[[ -z "${BACKUP_TIMESTAMP:-}" || "$BACKUP_TIMESTAMP" =~ ^[0-9]{8}T[0-9]{6}Z$ ]] ||
    die "BACKUP_TIMESTAMP '$BACKUP_TIMESTAMP' is not a backup timestamp (yyyymmddThhmmssZ)"
SCRATCH_DIR="${SCRATCH_DIR:-/tmp/backup}"

# The AWS CLI against the backup bucket: the default credential chain (IRSA web identity in the cluster).
backup_aws() {
    if [[ -n "${BACKUP_S3_ENDPOINT:-}" ]]; then
        aws --endpoint-url "$BACKUP_S3_ENDPOINT" "$@"
    else
        aws "$@"
    fi
}
# <<< shared: common
for name in PGHOST PGDATABASE PGUSER; do
    [[ -n "${!name:-}" ]] || die "$name is not set"
done

RESTORE_DATABASE="${RESTORE_DATABASE:-${PGDATABASE}_restore_check}"
# A plain name: pg_restore --dbname would read a value with '=' or a URI as connection parameters.
[[ "$RESTORE_DATABASE" =~ ^[A-Za-z_][A-Za-z0-9_-]{0,62}$ ]] ||
    die "RESTORE_DATABASE '$RESTORE_DATABASE' is not a database name of letters, digits, '_' and '-' (at most 63)"
if [[ "$RESTORE_DATABASE" == "$PGDATABASE" && "${RESTORE_INTO_LIVE:-}" != yes ]]; then
    die "RESTORE_DATABASE is the live database $PGDATABASE: set RESTORE_INTO_LIVE=yes to restore over it"
fi
readonly RESTORE_DATABASE

readonly WORK="$SCRATCH_DIR/postgres-restore"
cleanup() { rm -rf -- "$WORK"; }
trap cleanup EXIT
cleanup
mkdir -p -- "$WORK"

psql_admin() { psql --no-psqlrc --no-password --tuples-only --no-align --set ON_ERROR_STOP=1 "$@"; }

readonly SOURCE="s3://$BACKUP_BUCKET/$BACKUP_PREFIX"
if [[ -n "${BACKUP_TIMESTAMP:-}" ]]; then
    TS="$BACKUP_TIMESTAMP"
else
    step "finding the latest dump under $SOURCE/"
    backup_aws s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX/" --delimiter / --output json >"$WORK/dumps.json"
    # The latest <ts>.dump that has its <ts>.dump.sha256, the mark of a complete dump.
    TS=$(jq -r --arg p "$BACKUP_PREFIX/" '[.Contents // [] | .[].Key | ltrimstr($p)] as $keys
        | [$keys[] | capture("^(?<ts>[0-9]{8}T[0-9]{6}Z)\\.dump$").ts | select(. as $t | any($keys[]; . == "\($t).dump.sha256"))]
        | sort | last // empty' "$WORK/dumps.json")
    [[ -n "$TS" ]] || die "no dump with a .sha256 under $SOURCE/"
fi
readonly TS DUMP="$WORK/$TS.dump"
log "network $NETWORK: restoring $SOURCE/$TS.dump into database $RESTORE_DATABASE on $PGHOST"

step "downloading $SOURCE/$TS.dump and its .sha256"
backup_aws s3 cp --only-show-errors "$SOURCE/$TS.dump.sha256" "$WORK/$TS.dump.sha256"
expected=$(head -c 64 "$WORK/$TS.dump.sha256")
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "$SOURCE/$TS.dump.sha256 does not hold a sha256"
backup_aws s3 cp --only-show-errors "$SOURCE/$TS.dump" "$DUMP"

step "verifying $TS.dump"
actual=$(sha256sum <"$DUMP")
actual="${actual:0:64}"
[[ "$actual" == "$expected" ]] ||
    die "sha256 mismatch for $SOURCE/$TS.dump: the download hashes to $actual, $TS.dump.sha256 says $expected; no database was touched"
pg_restore --list "$DUMP" >/dev/null
log "dump $TS verified: $(stat --printf '%s' "$DUMP") bytes, sha256 $actual"

step "creating database $RESTORE_DATABASE if missing"
exists=$(psql_admin --set db="$RESTORE_DATABASE" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';")
if [[ "$exists" == 0 ]]; then
    psql_admin --quiet --set db="$RESTORE_DATABASE" <<<'CREATE DATABASE :"db";'
    log "created database $RESTORE_DATABASE"
fi

step "restoring $TS.dump into $RESTORE_DATABASE"
pg_restore --no-owner --no-privileges --exit-on-error --clean --if-exists --dbname "$RESTORE_DATABASE" "$DUMP"

tables=$(psql_admin --dbname "$RESTORE_DATABASE" \
    --command "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
log "restore complete: dump $TS into database $RESTORE_DATABASE ($tables table(s))"
