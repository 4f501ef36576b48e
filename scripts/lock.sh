#!/usr/bin/env bash
# Refreshes requirements.lock: exact versions of every dependency and every extra, the set the
# README's install commands and .ci/run install (pip install -c requirements.lock ...). Run it after
# changing the dependencies in pyproject.toml, run the tests on a fresh install, and commit both.
# Manifests record the lock file's sha256, so a curated result names the stack that made it.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet "uv>=0.5"
python -m uv pip compile pyproject.toml scripts/lock-extra.in --all-extras --universal \
  --python-version 3.12 --no-header --quiet -o requirements.lock
sed -i '1i # Exact versions for `pip install -c requirements.lock -e ".[EXTRAS]"`; refresh with scripts/lock.sh' requirements.lock
