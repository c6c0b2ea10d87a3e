#!/usr/bin/env bash
# Installs the real tools tests/tools/backupScripts.spec.ts runs the backup scripts with, on a
# Debian machine, as root: shellcheck, the AWS CLI v2, PostgreSQL 15 (server and client) and jq; and
# promtool (Debian's prometheus package), which tests/tools/alertRules.spec.ts checks the alert rules with.
# Idempotent: `apt-get update` and `apt-get install` run only when something is missing.
# `.ci/run` runs it before `npm test`. Prints what it found.
set -euo pipefail

readonly PG_BIN=/usr/lib/postgresql/15/bin

# The first `aws` on PATH, or Debian's /usr/bin/aws, that is the AWS CLI v2 (a v1 from pip may
# stand earlier on PATH; the spec looks for a v2 the same way).
aws_v2() {
    local dir candidate
    local -a dirs
    IFS=: read -r -a dirs <<<"${PATH}:/usr/bin"
    for dir in "${dirs[@]}"; do
        candidate="${dir:-.}/aws"
        if [[ -x "$candidate" ]] && "$candidate" --version 2>&1 | grep -q '^aws-cli/2\.'; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

missing=()
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v jq >/dev/null || missing+=(jq)
# devnet's chain export reads besu's JSON-RPC with curl and gzips it.
command -v curl >/dev/null || missing+=(curl)
command -v gzip >/dev/null || missing+=(gzip)
command -v promtool >/dev/null || missing+=(prometheus)
aws_v2 >/dev/null || missing+=(awscli)
for tool in "$PG_BIN/initdb" "$PG_BIN/pg_ctl" "$PG_BIN/postgres" "$PG_BIN/pg_dump" "$PG_BIN/pg_restore" "$PG_BIN/psql"; do
    if [[ ! -x "$tool" ]]; then
        missing+=(postgresql)
        break
    fi
done

if ((${#missing[@]} > 0)); then
    if ((EUID != 0)); then
        echo "setup-test-tools: missing ${missing[*]}; run this script as root to install them" >&2
        exit 1
    fi
    echo "setup-test-tools: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

echo "setup-test-tools: found"
echo "  shellcheck  $(command -v shellcheck)  $(shellcheck --version | sed -n 's/^version: //p')"
echo "  jq          $(command -v jq)  $(jq --version)"
aws="$(aws_v2)" || {
    echo "setup-test-tools: no AWS CLI v2 after installing awscli" >&2
    exit 1
}
echo "  aws         $aws  $("$aws" --version 2>&1)"
echo "  postgres    $PG_BIN  $("$PG_BIN/postgres" --version)"
echo "  pg_dump     $(command -v pg_dump)  $(pg_dump --version)"
echo "  sha256sum   $(command -v sha256sum)  $(sha256sum --version | head -n 1)"
echo "  promtool    $(command -v promtool)  $(promtool --version 2>&1 | head -n 1)"
