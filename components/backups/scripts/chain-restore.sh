#!/usr/bin/env bash
# chain-restore.sh: fetches one chain export written by chain-backup.sh and proves it can be
# restored: the download matches its .sha256, holds exactly the blocks metadata.json counts, each a
# hex RLP block, of this chain; it is then written as the binary RLP file `besu blocks import`
# reads, $SCRATCH_DIR/chain-restore/blocks.rlp. The job itself never writes into a node's volume:
# importing is the runbook's step (README, "Backups and restores"), with the node stopped.
#
# Environment:
#   NETWORK BACKUP_BUCKET BACKUP_PREFIX BACKUP_S3_ENDPOINT SCRATCH_DIR   as the other restores
#   BACKUP_TIMESTAMP      optional: the export (<yyyymmddThhmmssZ>); default the latest with a metadata.json
#   CHAIN_ID              the chain id the export must be of
#
# The backup bucket is reached through the AWS CLI's default credential chain (IRSA web identity in
# the cluster), whose role may list and get under $BACKUP_PREFIX/ only.
set -euo pipefail
# errtrace: the ERR trap (the one-line error) fires inside functions and subshells too.
set -o errtrace
umask 077
export LC_ALL=C AWS_PAGER=""

readonly SCRIPT=chain-restore
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
[[ "${CHAIN_ID:-}" =~ ^[1-9][0-9]*$ ]] || die "CHAIN_ID '${CHAIN_ID:-}' is not a chain id"

readonly WORK="$SCRATCH_DIR/chain-restore"
rm -rf -- "$WORK"
mkdir -p -- "$WORK"

readonly SOURCE="s3://$BACKUP_BUCKET/$BACKUP_PREFIX"
if [[ -n "${BACKUP_TIMESTAMP:-}" ]]; then
    TS="$BACKUP_TIMESTAMP"
else
    step "finding the latest export under $SOURCE/"
    backup_aws s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX/" --output json >"$WORK/exports.json"
    # The latest <ts>/ that has its metadata.json, the mark of a complete export.
    TS=$(jq -r --arg p "$BACKUP_PREFIX/" '[.Contents // [] | .[].Key | ltrimstr($p)
        | capture("^(?<ts>[0-9]{8}T[0-9]{6}Z)/metadata\\.json$").ts] | sort | last // empty' "$WORK/exports.json")
    [[ -n "$TS" ]] || die "no export with a metadata.json under $SOURCE/"
fi
readonly TS
log "network $NETWORK: verifying $SOURCE/$TS/"

step "downloading $SOURCE/$TS/"
for file in metadata.json blocks.hex.gz.sha256 blocks.hex.gz; do
    backup_aws s3 cp --only-show-errors "$SOURCE/$TS/$file" "$WORK/$file"
done

step "verifying $TS"
(cd "$WORK" && sha256sum --check --quiet --strict blocks.hex.gz.sha256) ||
    die "sha256 mismatch for $SOURCE/$TS/blocks.hex.gz"
chain=$(jq -er '.chainId' "$WORK/metadata.json")
[[ "$chain" == "$CHAIN_ID" ]] || die "$SOURCE/$TS/ is an export of chain $chain, not $CHAIN_ID"
expected=$(jq -er '.blocks' "$WORK/metadata.json")
gunzip "$WORK/blocks.hex.gz"
blocks=$(wc -l <"$WORK/blocks.hex")
[[ "$blocks" == "$expected" ]] || die "$SOURCE/$TS/ holds $blocks blocks, metadata.json says $expected"
if grep -qvE '^0x([0-9a-f]{2})+$' "$WORK/blocks.hex"; then die "$SOURCE/$TS/blocks.hex.gz has a line that is not a hex RLP block"; fi

step "writing $WORK/blocks.rlp"
sed 's/^0x//' "$WORK/blocks.hex" | tr -d '\n' | tr 'a-f' 'A-F' | basenc --base16 --decode >"$WORK/blocks.rlp"
rm -f -- "$WORK/blocks.hex"
log "restore check complete: $TS holds $blocks blocks of chain $CHAIN_ID ($(stat --printf '%s' "$WORK/blocks.rlp") bytes of RLP, ready for besu blocks import)"
