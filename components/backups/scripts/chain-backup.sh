#!/usr/bin/env bash
# chain-backup.sh: exports devnet's in-cluster chain off-cluster. It reads every block from genesis
# to the head as raw RLP over besu's JSON-RPC (debug_getRawBlock, in batches) and writes
#   s3://$BACKUP_BUCKET/$BACKUP_PREFIX/<timestamp>/blocks.hex.gz         one 0x-hex RLP block a line, block n on line n+1
#   s3://$BACKUP_BUCKET/$BACKUP_PREFIX/<timestamp>/blocks.hex.gz.sha256  (`sha256sum -c` format)
#   s3://$BACKUP_BUCKET/$BACKUP_PREFIX/<timestamp>/metadata.json         written last: chain id, blocks, head hash
# An export without metadata.json is incomplete, and no restore picks it.
#
# Why an export and not a copy of a volume: each node's database is open, ReadWriteOnce, in its own
# pod, so no job can read it consistently; the blocks are the chain (every node rebuilds its state
# from them, `besu blocks import`), they never change once written, and any besu node serves them.
#
# Environment:
#   NETWORK BACKUP_BUCKET BACKUP_PREFIX KMS_KEY_ARN BACKUP_S3_ENDPOINT SCRATCH_DIR   as the other backups
#   RPC_URL               besu's JSON-RPC URL (its Service)
#   CHAIN_ID              the chain id the RPC must report
#   BATCH_SIZE            optional, default 200: blocks per JSON-RPC batch
#
# The backup bucket is reached through the AWS CLI's default credential chain (IRSA web identity in
# the cluster), whose role may only put objects under $BACKUP_PREFIX/.
set -euo pipefail
# errtrace: the ERR trap (the one-line error) fires inside functions and subshells too.
set -o errtrace
umask 077
export LC_ALL=C AWS_PAGER=""

readonly SCRIPT=chain-backup
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
for name in KMS_KEY_ARN RPC_URL CHAIN_ID; do
    [[ -n "${!name:-}" ]] || die "$name is not set"
done
[[ "$KMS_KEY_ARN" =~ ^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$ ]] || die "KMS_KEY_ARN '$KMS_KEY_ARN' is not a KMS key ARN"
[[ "$CHAIN_ID" =~ ^[1-9][0-9]*$ ]] || die "CHAIN_ID '$CHAIN_ID' is not a chain id"
BATCH_SIZE="${BATCH_SIZE:-200}"
[[ "$BATCH_SIZE" =~ ^[1-9][0-9]{0,3}$ ]] || die "BATCH_SIZE '$BATCH_SIZE' is not an integer from 1 to 9999"
readonly SSE=(--sse aws:kms --sse-kms-key-id "$KMS_KEY_ARN")

readonly WORK="$SCRATCH_DIR/chain-backup"
cleanup() { rm -rf -- "$WORK"; }
trap cleanup EXIT
cleanup
mkdir -p -- "$WORK"

# One JSON-RPC request (or batch) from a file; the answer on stdout.
rpc() { curl --fail --silent --show-error --max-time 120 -H 'Content-Type: application/json' --data-binary "@$1" "$RPC_URL"; }
call() {
    jq -nc --arg m "$1" --argjson p "$2" '{jsonrpc: "2.0", id: 1, method: $m, params: $p}' >"$WORK/request.json"
    rpc "$WORK/request.json" | jq -er '.result'
}

TS="$(date -u +%Y%m%dT%H%M%SZ)"
readonly TS DEST="s3://$BACKUP_BUCKET/$BACKUP_PREFIX/$TS"
step "reading the chain's id and head from $RPC_URL"
chain=$(call eth_chainId '[]')
[[ "$((chain))" == "$CHAIN_ID" ]] || die "the RPC serves chain $((chain)), not $CHAIN_ID"
head_hex=$(call eth_blockNumber '[]')
readonly HEAD=$((head_hex))
head_hash=$(call eth_getBlockByNumber "[\"$(printf '0x%x' "$HEAD")\", false]" | jq -er '.hash')
log "network $NETWORK: exporting blocks 0 to $HEAD of chain $CHAIN_ID to $DEST/"

step "exporting blocks 0 to $HEAD"
: >"$WORK/blocks.hex"
for ((from = 0; from <= HEAD; from += BATCH_SIZE)); do
    to=$((from + BATCH_SIZE - 1 < HEAD ? from + BATCH_SIZE - 1 : HEAD))
    for ((n = from; n <= to; n++)); do printf '0x%x\n' "$n"; done |
        jq -Rnc --argjson from "$from" '[inputs] | to_entries
            | map({jsonrpc: "2.0", id: (.key + $from), method: "debug_getRawBlock", params: [.value]})' >"$WORK/request.json"
    rpc "$WORK/request.json" >"$WORK/answer.json"
    # Every block of the batch, in order, each a hex RLP string; an error or a gap fails the export.
    jq -er --argjson from "$from" --argjson to "$to" 'sort_by(.id)
        | if (map(.id) == [range($from; $to + 1)]) and all(.[]; .result | type == "string" and test("^0x[0-9a-f]+$"))
          then .[].result else error("missing or malformed blocks") end' "$WORK/answer.json" >>"$WORK/blocks.hex"
done
blocks=$(wc -l <"$WORK/blocks.hex")
((blocks == HEAD + 1)) || die "exported $blocks blocks, expected $((HEAD + 1))"

step "uploading $DEST/blocks.hex.gz"
gzip -n -9 "$WORK/blocks.hex"
sha256=$(sha256sum <"$WORK/blocks.hex.gz")
printf '%s  %s\n' "${sha256:0:64}" blocks.hex.gz >"$WORK/blocks.hex.gz.sha256"
jq -n --arg network "$NETWORK" --argjson chainId "$CHAIN_ID" --argjson blocks "$blocks" --arg headHash "$head_hash" \
    --arg ts "$TS" '{network: $network, chainId: $chainId, blocks: $blocks, headHash: $headHash, timestamp: $ts}' >"$WORK/metadata.json"
HINT="what reached $DEST/ has no metadata.json, so no restore picks it"
backup_aws s3 cp --only-show-errors "${SSE[@]}" "$WORK/blocks.hex.gz" "$DEST/blocks.hex.gz"
backup_aws s3 cp --only-show-errors "${SSE[@]}" --content-type text/plain "$WORK/blocks.hex.gz.sha256" "$DEST/blocks.hex.gz.sha256"
backup_aws s3 cp --only-show-errors "${SSE[@]}" --content-type application/json "$WORK/metadata.json" "$DEST/metadata.json"
HINT=""
log "backup complete: $DEST/ ($blocks blocks, head $head_hash, sha256 ${sha256:0:64})"
