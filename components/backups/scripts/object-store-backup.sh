#!/usr/bin/env bash
# object-store-backup.sh: copies every bucket of the network's object store (MinIO) to
# s3://$BACKUP_BUCKET/$BACKUP_PREFIX/<timestamp>/<bucket>/... and writes
# s3://$BACKUP_BUCKET/$BACKUP_PREFIX/<timestamp>/metadata.json last: a backup without its
# metadata.json is incomplete, and no restore picks it.
#
# Environment:
#   NETWORK                   the network (devnet, testnet, mainnet); BACKUP_BUCKET must name it
#   BACKUP_BUCKET             the network's S3 backup bucket
#   BACKUP_PREFIX             this store's prefix in it (e.g. object-store); nothing is written outside it
#   KMS_KEY_ARN               every object put to the backup bucket is encrypted with this key (SSE-KMS)
#   BACKUP_S3_ENDPOINT        optional: --endpoint-url for the backup bucket (tests only)
#   SCRATCH_DIR               optional, default /tmp/backup: room for a copy of every bucket
#   SOURCE_ENDPOINT           the object store's S3 URL
#   SOURCE_ACCESS_KEY_ID      the object store's credentials; they reach the AWS CLI only through a
#   SOURCE_SECRET_ACCESS_KEY  profile under $SCRATCH_DIR/aws, never through AWS_* variables
#
# The backup bucket is reached through the AWS CLI's default credential chain (IRSA web identity in
# the cluster), whose role may only put objects under $BACKUP_PREFIX/: this script never lists,
# reads or deletes anything in the backup bucket, and deletes nothing in the object store.
set -euo pipefail
# errtrace: the ERR trap (the one-line error) fires inside functions and subshells too.
set -o errtrace
umask 077
export LC_ALL=C AWS_PAGER=""

readonly SCRIPT=object-store-backup
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
[[ -n "${KMS_KEY_ARN:-}" ]] || die "KMS_KEY_ARN is not set"
[[ "$KMS_KEY_ARN" =~ ^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$ ]] || die "KMS_KEY_ARN '$KMS_KEY_ARN' is not a KMS key ARN"
readonly SSE=(--sse aws:kms --sse-kms-key-id "$KMS_KEY_ARN")
readonly STORE_VARS=(SOURCE_ENDPOINT SOURCE_ACCESS_KEY_ID SOURCE_SECRET_ACCESS_KEY)

# >>> shared: object store. The same in both object-store scripts (backupScripts.spec.ts compares the copies).
# STORE_VARS names the variables of the store's endpoint, access key id and secret access key.
for name in "${STORE_VARS[@]}"; do
    [[ -n "${!name:-}" ]] || die "$name is not set"
done
STORE_ENDPOINT="${!STORE_VARS[0]}"
[[ "$STORE_ENDPOINT" =~ ^https?://[^/]+/?$ ]] || die "${STORE_VARS[0]} '$STORE_ENDPOINT' is not an http(s) URL of an S3 endpoint"
readonly STORE_ENDPOINT AWS_DIR="$SCRATCH_DIR/aws"

# The store's credentials, as a profile that only store_aws reads.
write_store_profile() {
    mkdir -p -- "$AWS_DIR"
    printf '[profile objectstore]\nregion = us-east-1\ns3 =\n    addressing_style = path\n' >"$AWS_DIR/config"
    printf '[objectstore]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
        "${!STORE_VARS[1]}" "${!STORE_VARS[2]}" >"$AWS_DIR/credentials"
}

# The AWS CLI against the store: its profile only, with every variable that would take precedence
# over it (static keys, IRSA's web identity, container credentials, region) removed, and no
# fallback to the instance metadata service.
store_aws() {
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_SECURITY_TOKEN \
        -u AWS_ROLE_ARN -u AWS_WEB_IDENTITY_TOKEN_FILE -u AWS_ROLE_SESSION_NAME \
        -u AWS_CONTAINER_CREDENTIALS_FULL_URI -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
        -u AWS_CONTAINER_AUTHORIZATION_TOKEN -u AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
        -u AWS_DEFAULT_PROFILE -u AWS_REGION -u AWS_DEFAULT_REGION -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_S3 \
        AWS_CONFIG_FILE="$AWS_DIR/config" AWS_SHARED_CREDENTIALS_FILE="$AWS_DIR/credentials" AWS_PROFILE=objectstore \
        AWS_EC2_METADATA_DISABLED=true \
        aws --endpoint-url "$STORE_ENDPOINT" "$@"
}

# Prints {"key","bytes","sha256"} (one JSON object a line) for every regular file under $1, the key
# being its path relative to $1. Files are hashed and measured in batches of 200.
manifest() {
    local dir="$1" list="$SCRATCH_DIR/manifest.list" i start
    local -a files chunk sums sizes args
    (
        cd -- "$dir"
        shopt -s globstar dotglob nullglob
        for f in **; do
            if [[ -f "$f" && ! -L "$f" ]]; then printf '%s\0' "$f"; fi
        done
    ) >"$list"
    mapfile -d '' -t files <"$list"
    for ((start = 0; start < ${#files[@]}; start += 200)); do
        chunk=("${files[@]:start:200}")
        (cd -- "$dir" && sha256sum --zero -- "${chunk[@]}") >"$list.sha256"
        (cd -- "$dir" && stat --printf '%s\0' -- "${chunk[@]}") >"$list.size"
        mapfile -d '' -t sums <"$list.sha256"
        mapfile -d '' -t sizes <"$list.size"
        ((${#sums[@]} == ${#chunk[@]} && ${#sizes[@]} == ${#chunk[@]})) || die "could not hash the files under $dir"
        args=()
        for i in "${!chunk[@]}"; do args+=("${chunk[i]}" "${sizes[i]}" "${sums[i]:0:64}"); done
        jq -cn '$ARGS.positional as $a | range(0; $a | length; 3) | {key: $a[.], bytes: ($a[. + 1] | tonumber), sha256: $a[. + 2]}' \
            --args "${args[@]}"
    done
    rm -f -- "$list" "$list.sha256" "$list.size"
}
# <<< shared: object store
readonly DATA="$SCRATCH_DIR/data" MANIFESTS="$SCRATCH_DIR/manifests"
cleanup() { rm -rf -- "$AWS_DIR" "$DATA" "$MANIFESTS" "$SCRATCH_DIR"/manifest.list*; }
trap cleanup EXIT
cleanup
mkdir -p -- "$DATA" "$MANIFESTS"
write_store_profile

TS="$(date -u +%Y%m%dT%H%M%SZ)"
readonly TS DEST="s3://$BACKUP_BUCKET/$BACKUP_PREFIX/$TS"
log "network $NETWORK: backing up the object store at $STORE_ENDPOINT to $DEST/"

step "listing the buckets of $STORE_ENDPOINT"
store_aws s3api list-buckets --output json >"$MANIFESTS/buckets.json"
jq -r '.Buckets // [] | .[].Name' "$MANIFESTS/buckets.json" >"$MANIFESTS/buckets.txt"
mapfile -t buckets <"$MANIFESTS/buckets.txt"
log "${#buckets[@]} bucket(s): ${buckets[*]:-none}"

: >"$MANIFESTS/all.ndjson"
for bucket in "${buckets[@]}"; do
    [[ "$bucket" != metadata.json ]] || die "a bucket named metadata.json would collide with the backup's metadata.json"
    step "downloading bucket $bucket"
    mkdir -p -- "$DATA/$bucket"
    store_aws s3 sync --only-show-errors "s3://$bucket" "$DATA/$bucket/"

    step "hashing bucket $bucket"
    manifest "$DATA/$bucket" >"$MANIFESTS/$bucket.ndjson"
    jq -cs --arg name "$bucket" '{name: $name, files: sort_by(.key)}' "$MANIFESTS/$bucket.ndjson" >>"$MANIFESTS/all.ndjson"
    log "bucket $bucket: $(jq -rs '"\(length) object(s), \(map(.bytes) | add // 0) bytes"' "$MANIFESTS/$bucket.ndjson")"
done

# One upload for every bucket: $DATA/<bucket>/<key> becomes $DEST/<bucket>/<key>. `cp`, not `sync`:
# sync would list the destination, which the backup role may not.
step "uploading ${#buckets[@]} bucket(s) to $DEST/"
backup_aws s3 cp --recursive --only-show-errors "${SSE[@]}" "$DATA/" "$DEST/"

step "writing $DEST/metadata.json"
jq -n --arg timestamp "$TS" --arg network "$NETWORK" '{
    timestamp: $timestamp,
    network: $network,
    buckets: (reduce inputs as $b ({}; . + {($b.name): {
        objects: ($b.files | length),
        bytes: ($b.files | map(.bytes) | add // 0),
        files: $b.files
    }}))
}' "$MANIFESTS/all.ndjson" >"$MANIFESTS/metadata.json"
backup_aws s3 cp --only-show-errors "${SSE[@]}" --content-type application/json "$MANIFESTS/metadata.json" "$DEST/metadata.json"

log "backup complete: $DEST/ ($(jq -r '"\(.buckets | length) bucket(s), \([.buckets[].objects] | add // 0) object(s), \([.buckets[].bytes] | add // 0) bytes"' "$MANIFESTS/metadata.json"))"
