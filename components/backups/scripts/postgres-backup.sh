#!/usr/bin/env bash
# postgres-backup.sh: streams `pg_dump --format=custom` of the network's database to
# s3://$BACKUP_BUCKET/$BACKUP_PREFIX/<timestamp>.dump (no local copy) and, once the whole dump is
# up, writes its sha256 beside it as <timestamp>.dump.sha256 (`sha256sum -c` format). A dump
# without its .sha256 is incomplete, and no restore picks it.
#
# Environment:
#   NETWORK               the network (devnet, testnet, mainnet); BACKUP_BUCKET must name it
#   BACKUP_BUCKET         the network's S3 backup bucket
#   BACKUP_PREFIX         the database's prefix in it (e.g. postgres); nothing is written outside it
#   KMS_KEY_ARN           every object put to the backup bucket is encrypted with this key (SSE-KMS)
#   BACKUP_S3_ENDPOINT    optional: --endpoint-url for the backup bucket (tests only)
#   SCRATCH_DIR           optional, default /tmp/backup: a few small files
#   PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE   libpq's own variables
#
# The backup bucket is reached through the AWS CLI's default credential chain (IRSA web identity in
# the cluster), whose role may only put objects under $BACKUP_PREFIX/: this script never lists,
# reads or deletes anything in the backup bucket.
set -euo pipefail
# errtrace: the ERR trap (the one-line error) fires inside functions and subshells too.
set -o errtrace
umask 077
export LC_ALL=C AWS_PAGER=""

readonly SCRIPT=postgres-backup
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
for name in KMS_KEY_ARN PGHOST PGDATABASE PGUSER; do
    [[ -n "${!name:-}" ]] || die "$name is not set"
done
[[ "$KMS_KEY_ARN" =~ ^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$ ]] || die "KMS_KEY_ARN '$KMS_KEY_ARN' is not a KMS key ARN"
readonly SSE=(--sse aws:kms --sse-kms-key-id "$KMS_KEY_ARN")

readonly WORK="$SCRATCH_DIR/postgres-backup"
cleanup() { rm -rf -- "$WORK"; }
trap cleanup EXIT
cleanup
mkdir -p -- "$WORK"

TS="$(date -u +%Y%m%dT%H%M%SZ)"
readonly TS KEY="$BACKUP_PREFIX/$TS.dump"
readonly DEST="s3://$BACKUP_BUCKET/$KEY"
log "network $NETWORK: backing up database $PGDATABASE on $PGHOST to $DEST"

# Connects once before the upload starts (a wrong password fails here, not as an empty dump), and
# sizes the upload: the database's size bounds its compressed dump, and the AWS CLI needs
# --expected-size for a stream over 50 GB to choose parts large enough.
step "connecting to $PGDATABASE on $PGHOST"
size=$(psql --no-psqlrc --no-password --tuples-only --no-align --set ON_ERROR_STOP=1 \
    --command 'SELECT pg_database_size(current_database())')
[[ "$size" =~ ^[0-9]+$ ]] || die "could not read the size of database $PGDATABASE"
log "database $PGDATABASE: $size bytes on disk"

# The dump goes to S3 and, through tee, to sha256sum and wc: the checksum is of the bytes uploaded.
exec {sum_fd}> >(sha256sum >"$WORK/sha256")
sum_pid=$!
exec {size_fd}> >(wc -c >"$WORK/bytes")
size_pid=$!
step "dumping $PGDATABASE to $DEST"
HINT="what reached $KEY has no .sha256 beside it, so no restore picks it"
pg_dump --format=custom --no-password |
    tee "/dev/fd/$sum_fd" "/dev/fd/$size_fd" |
    backup_aws s3 cp --only-show-errors "${SSE[@]}" --expected-size "$size" - "$DEST"
exec {sum_fd}>&- {size_fd}>&-
wait "$sum_pid" "$size_pid"
HINT=""

sha256=$(head -c 64 "$WORK/sha256")
bytes=$(tr -d ' \n' <"$WORK/bytes")
[[ "$sha256" =~ ^[0-9a-f]{64}$ && "$bytes" =~ ^[0-9]+$ ]] || die "could not compute the sha256 of the dump"
((bytes > 0)) || die "pg_dump wrote nothing"

step "writing $DEST.sha256"
printf '%s  %s\n' "$sha256" "$TS.dump" >"$WORK/$TS.dump.sha256"
backup_aws s3 cp --only-show-errors "${SSE[@]}" --content-type text/plain "$WORK/$TS.dump.sha256" "$DEST.sha256"

log "backup complete: $DEST ($bytes bytes, sha256 $sha256)"
