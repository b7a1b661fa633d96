#!/usr/bin/env bash
# Single sign-on against a real certified OpenID Connect provider (panva's oidc-provider,
# pinned in package-lock.json), run locally: installs it, then runs the tests that need it.
set -euo pipefail
cd "$(dirname "$0")"
bash ../../.ci/npm-ci.sh .
cd ../..
cargo test -p kairos --test e2e --locked -- --include-ignored oidc::
