#!/usr/bin/env bash
# `npm ci` in the directory given, tried three times: the registry can fail for a moment
# on a machine that has just booted. On the last failure it shows npm's own account of
# the error (with --loglevel=error npm prints only where its log is).
#
#   bash .ci/npm-ci.sh web
set -euo pipefail
cd "${1:?usage: npm-ci.sh DIR}"
for attempt in 1 2 3; do
    if npm ci --no-audit --no-fund --loglevel=warn; then exit 0; fi
    echo "npm ci in $PWD failed (attempt $attempt of 3)" >&2
    if [[ $attempt == 3 ]]; then
        log="$(ls -t "$(npm config get cache)/_logs/"*.log 2>/dev/null | head -1 || true)"
        if [[ -n "$log" ]]; then grep -E ' (error|warn|verbose stack) ' "$log" | tail -40 >&2 || true; fi
        exit 1
    fi
    sleep $((attempt * 10))
done
