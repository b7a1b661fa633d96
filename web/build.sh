#!/usr/bin/env bash
# Rebuilds the web calendar's bundle (web/dist, committed and embedded in the binary)
# from web/src. Needs Node 20+ and npm; `cargo build` itself never does.
#
#   bash web/build.sh           # rebuild
#   bash web/build.sh --check   # rebuild and fail if the committed bundle differs
set -euo pipefail
cd "$(dirname "$0")"
bash ../.ci/npm-ci.sh .
npm run build
if [[ "${1:-}" == "--check" ]]; then
    cd ..
    # What the build changed against the checked-in files (the index), and what it added.
    stale="$(git diff --name-only -- web/dist; git ls-files --others --exclude-standard -- web/dist)"
    if [[ -n "$stale" ]]; then
        echo "web/dist is stale: run 'bash web/build.sh' and commit the result" >&2
        echo "$stale" >&2
        exit 1
    fi
    echo "web/dist matches web/src"
fi
