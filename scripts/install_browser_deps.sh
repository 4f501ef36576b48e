#!/usr/bin/env bash
# Installs what the dashboard's browser test needs, into the active virtual environment:
# Debian's Chromium, and the two front-end packages that Solara's page loads but no pip package
# ships (served locally, since the test machine has no CDN access). The rest of Solara's front end
# comes from solara-assets, in the `viz` and `test` extras; its newest release (1.58.2) holds
# @widgetti/solara-vuetify3-app@5.1.1 where Solara 1.64 with ipyvue 3 asks for 5.2.0, and no
# katex; so those two come from the npm registry.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver > /dev/null
fi
python -m pip install --quiet -c "$(dirname "$0")/../requirements.lock" solara-assets  # already there with [test] or [viz]
cdn="$(python -c 'import sys; print(sys.prefix)')/share/solara/cdn"
tmp="$(mktemp -d)"
for pkg in @widgetti/solara-vuetify3-app@5.2.0 katex@0.16.9; do
  if [ ! -d "$cdn/$pkg" ]; then
    tgz=$(cd "$tmp" && npm pack "$pkg" --silent | tail -1)
    mkdir -p "$cdn/$pkg" && tar -xzf "$tmp/$tgz" -C "$cdn/$pkg" --strip-components=1
  fi
done
rm -rf "$tmp"
