#!/usr/bin/env bash
# object-store-restore.sh: restores one object-store backup written by object-store-backup.sh.
# Bucket B of the backup goes into ${RESTORE_BUCKET_PREFIX}B of the target store. Every file is
# checked against metadata.json (sha256, size, per-bucket counts and bytes) before anything is
# created or uploaded; after the upload the target buckets are listed and checked again.
#
# Environment:
#   NETWORK                   the network; BACKUP_BUCKET must name it, and so must the backup
#   BACKUP_BUCKET             the network's S3 backup bucket
#   BACKUP_PREFIX             the object store's prefix in it (e.g. object-store); read only under it
#   BACKUP_TIMESTAMP          optional: the backup (<yyyymmddThhmmssZ>); default the latest one
#                             with a metadata.json
#   BACKUP_S3_ENDPOINT        optional: --endpoint-url for the backup bucket (tests only)
#   SCRATCH_DIR               optional, default /tmp/backup: room for the whole backup
#   TARGET_ENDPOINT           the object store to restore into (its S3 URL)
#   TARGET_ACCESS_KEY_ID      its credentials; they reach the AWS CLI only through a profile
#   TARGET_SECRET_ACCESS_KEY  under $SCRATCH_DIR/aws, never through AWS_* variables
#   RESTORE_BUCKET_PREFIX     optional, default restore-; empty restores into the live buckets,
#   RESTORE_INTO_LIVE         which is refused unless this is yes
#
# The backup bucket is reached through the AWS CLI's default credential chain (IRSA web identity in
# the cluster), whose role may list and get under $BACKUP_PREFIX/ only. Nothing is deleted.
set -euo pipefail
# errtrace: the ERR trap (the one-line error) fires inside functions and subshells too.
set -o errtrace
umask 077
export LC_ALL=C AWS_PAGER=""

readonly SCRIPT=object-store-restore
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
readonly STORE_VARS=(TARGET_ENDPOINT TARGET_ACCESS_KEY_ID TARGET_SECRET_ACCESS_KEY)

# Set but empty means the live buckets.
RESTORE_BUCKET_PREFIX="${RESTORE_BUCKET_PREFIX-restore-}"
[[ "$RESTORE_BUCKET_PREFIX" =~ ^[a-z0-9.-]*$ ]] ||
    die "RESTORE_BUCKET_PREFIX '$RESTORE_BUCKET_PREFIX' may hold only lowercase letters, digits, '.' and '-'"
LIVE=no
if [[ -z "$RESTORE_BUCKET_PREFIX" ]]; then
    [[ "${RESTORE_INTO_LIVE:-}" == yes ]] ||
        die "RESTORE_BUCKET_PREFIX is empty, which restores into the live buckets: set RESTORE_INTO_LIVE=yes to do that"
    LIVE=yes
fi
readonly LIVE

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
readonly DATA="$SCRATCH_DIR/data" WORK="$SCRATCH_DIR/restore"
cleanup() { rm -rf -- "$AWS_DIR" "$DATA" "$WORK" "$SCRATCH_DIR"/manifest.list*; }
trap cleanup EXIT
cleanup
mkdir -p -- "$DATA" "$WORK"
write_store_profile

# Prints the problems in $WORK/problems.txt on stdout and fails with the first one.
fail_on_problems() {
    local what="$1" count
    count=$(wc -l <"$WORK/problems.txt")
    ((count == 0)) && return 0
    sed 's/^/  problem: /' "$WORK/problems.txt"
    die "$what: $(head -n 1 "$WORK/problems.txt")$( ((count > 1)) && printf ' (and %d more problem(s) listed above)' $((count - 1)))"
}

# True when the JSON in file $1 satisfies jq filter $2 (further arguments go to jq). The AWS CLI
# prints nothing at all for some empty answers, and `jq -e` passes on no input: an empty file is {}.
json_true() {
    local file="$1" filter="$2"
    shift 2
    jq -e -s "$@" "(.[0] // {}) | ($filter)" "$file" >/dev/null
}

readonly SOURCE="s3://$BACKUP_BUCKET/$BACKUP_PREFIX"
if [[ -n "${BACKUP_TIMESTAMP:-}" ]]; then
    TS="$BACKUP_TIMESTAMP"
else
    step "finding the latest backup under $SOURCE/"
    backup_aws s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX/" --delimiter / --output json >"$WORK/backups.json"
    jq -r --arg p "$BACKUP_PREFIX/" '[.CommonPrefixes // [] | .[].Prefix | ltrimstr($p) | rtrimstr("/")
        | select(test("^[0-9]{8}T[0-9]{6}Z$"))] | sort | reverse | .[]' "$WORK/backups.json" >"$WORK/candidates.txt"
    TS=""
    while IFS= read -r candidate; do
        backup_aws s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX/$candidate/metadata.json" \
            --output json >"$WORK/candidate.json"
        # shellcheck disable=SC2016 # $k is jq's variable, not the shell's
        if json_true "$WORK/candidate.json" 'any(.Contents // [] | .[]; .Key == $k)' --arg k "$BACKUP_PREFIX/$candidate/metadata.json"; then
            TS="$candidate"
            break
        fi
        log "skipping $candidate: it has no metadata.json (an incomplete backup)"
    done <"$WORK/candidates.txt"
    [[ -n "$TS" ]] || die "no backup with a metadata.json under $SOURCE/"
fi
readonly TS
log "network $NETWORK: restoring $SOURCE/$TS/ into $STORE_ENDPOINT (buckets ${RESTORE_BUCKET_PREFIX:-<live>}<name>)"

step "downloading $SOURCE/$TS/"
backup_aws s3 cp --recursive --only-show-errors "$SOURCE/$TS/" "$DATA/"
[[ -f "$DATA/metadata.json" ]] || die "$SOURCE/$TS/metadata.json does not exist: not a complete backup"
mv -- "$DATA/metadata.json" "$WORK/metadata.json"
readonly METADATA="$WORK/metadata.json"

step "checking $SOURCE/$TS/metadata.json"
jq -e -s --arg ts "$TS" 'length == 1 and (.[0] | type == "object") and (.[0]
    | .timestamp == $ts and (.network | type == "string") and (.buckets | type == "object")
    and all(.buckets[]; (.objects | type == "number") and (.bytes | type == "number") and (.files | type == "array")
        and all(.files[]; (.key | type == "string") and (.bytes | type == "number") and (.sha256 | test("^[0-9a-f]{64}$")))))' \
    "$METADATA" >/dev/null || die "$SOURCE/$TS/metadata.json is not the metadata of backup $TS"
backup_network=$(jq -r .network "$METADATA")
[[ "$backup_network" == "$NETWORK" ]] || die "backup $TS belongs to network $backup_network, not $NETWORK"
jq -r '.buckets | keys[]' "$METADATA" >"$WORK/buckets.txt"
mapfile -t buckets <"$WORK/buckets.txt"
for bucket in "${buckets[@]}"; do
    target="$RESTORE_BUCKET_PREFIX$bucket"
    [[ "$target" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || die "bucket $bucket would be restored as '$target', which is not a bucket name"
done

# Every file against metadata.json, before anything is created or uploaded.
step "verifying ${#buckets[@]} bucket(s) against metadata.json"
: >"$WORK/problems.txt"
for dir in "$DATA"/*; do
    name="${dir##*/}"
    # shellcheck disable=SC2016 # $b is jq's variable, not the shell's
    if [[ -e "$dir" ]] && ! json_true "$METADATA" '.buckets | has($b)' --arg b "$name"; then
        printf '%s is in the backup but is no bucket of its metadata.json\n' "$name" >>"$WORK/problems.txt"
    fi
done
for bucket in "${buckets[@]}"; do
    mkdir -p -- "$DATA/$bucket"
    manifest "$DATA/$bucket" >"$WORK/$bucket.ndjson"
    jq -rs --arg b "$bucket" --slurpfile m "$METADATA" '
        ($m[0].buckets[$b]) as $meta
        | (map({key: .key, value: .}) | from_entries) as $got
        | ($meta.files | map({key: .key, value: .}) | from_entries) as $want
        | ($meta.files[] | . as $f | $got[$f.key] as $g
            | if $g == null then "\($b)/\($f.key): missing from the backup"
              elif $g.bytes != $f.bytes then "\($b)/\($f.key): \($g.bytes) bytes, metadata.json says \($f.bytes)"
              elif $g.sha256 != $f.sha256 then "\($b)/\($f.key): sha256 \($g.sha256), metadata.json says \($f.sha256)"
              else empty end),
          (.[] | select($want[.key] == null) | "\($b)/\(.key): in the backup but not in metadata.json"),
          (if ($meta.files | length) != $meta.objects or ($meta.files | map(.bytes) | add // 0) != $meta.bytes
           then "\($b): metadata.json counts \($meta.objects) object(s) and \($meta.bytes) bytes but lists others" else empty end),
          (if length != $meta.objects or (map(.bytes) | add // 0) != $meta.bytes
           then "\($b): \(length) object(s) and \(map(.bytes) | add // 0) bytes downloaded, metadata.json says \($meta.objects) and \($meta.bytes)"
           else empty end)
    ' "$WORK/$bucket.ndjson" >>"$WORK/problems.txt"
done
fail_on_problems "backup $TS does not match its metadata.json, nothing was restored"
log "backup $TS verified: $(jq -r '"\([.buckets[].objects] | add // 0) object(s), \([.buckets[].bytes] | add // 0) bytes"' "$METADATA")"

step "checking the target buckets"
store_aws s3api list-buckets --output json >"$WORK/targets.json"
for bucket in "${buckets[@]}"; do
    target="$RESTORE_BUCKET_PREFIX$bucket"
    # shellcheck disable=SC2016 # $t is jq's variable, not the shell's
    if json_true "$WORK/targets.json" 'any(.Buckets // [] | .[]; .Name == $t)' --arg t "$target"; then
        if [[ "$LIVE" == no ]]; then
            store_aws s3api list-objects-v2 --bucket "$target" --max-items 1 --output json >"$WORK/target.json"
            if json_true "$WORK/target.json" '(.Contents // []) | length > 0'; then
                die "target bucket $target is not empty: empty it or choose another RESTORE_BUCKET_PREFIX (nothing was restored)"
            fi
        fi
    else
        printf '%s\n' "$target" >>"$WORK/create.txt"
    fi
done
if [[ -f "$WORK/create.txt" ]]; then
    while IFS= read -r target; do
        step "creating bucket $target"
        store_aws s3api create-bucket --bucket "$target" --output json >/dev/null
    done <"$WORK/create.txt"
fi

for bucket in "${buckets[@]}"; do
    target="$RESTORE_BUCKET_PREFIX$bucket"
    step "uploading $bucket to $target"
    store_aws s3 cp --recursive --only-show-errors "$DATA/$bucket/" "s3://$target/"
done

# The targets as the store lists them: every backed-up key with its size, the counts and bytes.
step "checking the restored buckets"
: >"$WORK/problems.txt"
for bucket in "${buckets[@]}"; do
    target="$RESTORE_BUCKET_PREFIX$bucket"
    store_aws s3api list-objects-v2 --bucket "$target" --output json >"$WORK/listing.json"
    # The CLI prints nothing at all for an empty bucket: slurp, so that an empty listing is checked too.
    jq -rs --arg b "$bucket" --arg t "$target" --arg live "$LIVE" --slurpfile m "$METADATA" '
        ($m[0].buckets[$b]) as $meta
        | ((.[0].Contents // []) | map({key: .Key, value: .Size}) | from_entries) as $got
        | ($meta.files | map({key: .key, value: .bytes}) | from_entries) as $want
        | ($meta.files[] | select($got[.key] != .bytes)
            | "\($t)/\(.key): \($got[.key] // "no object"), metadata.json says \(.bytes) bytes"),
          ([$got | to_entries[] | select($want[.key] != null)] as $restored
            | if ($restored | length) != $meta.objects or ($restored | map(.value) | add // 0) != $meta.bytes
              then "\($t): \($restored | length) object(s) and \($restored | map(.value) | add // 0) bytes, metadata.json says \($meta.objects) and \($meta.bytes)"
              else empty end),
          ([$got | keys[] | select($want[.] == null)] as $extra
            | if ($extra | length) > 0 and $live == "no" then "\($t): \($extra | length) object(s) not in the backup, e.g. \($extra[0])"
              else empty end)
    ' "$WORK/listing.json" >>"$WORK/problems.txt"
    log "$target: $(jq -rs '(.[0].Contents // []) | "\(length) object(s), \(map(.Size) | add // 0) bytes"' "$WORK/listing.json")"
done
fail_on_problems "the restored buckets do not match backup $TS"

log "restore complete: backup $TS into ${#buckets[@]} bucket(s) of $STORE_ENDPOINT ($(jq -r '"\([.buckets[].objects] | add // 0) object(s), \([.buckets[].bytes] | add // 0) bytes"' "$METADATA"))"
