#!/usr/bin/env bash
# Installs what the dashboard's browser test needs, into the active virtual environment:
# Debian's Chromium, and Solara's front-end files (served locally, since the test machine has no
# CDN access): the solara-assets wheel plus the two packages it lacks, from the npm registry.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver > /dev/null
fi
python -m pip install --quiet -c "$(dirname "$0")/../requirements.lock" solara-assets
cdn="$(python -c 'import sys; print(sys.prefix)')/share/solara/cdn"
tmp="$(mktemp -d)"
for pkg in @widgetti/solara-vuetify3-app@5.2.0 katex@0.16.9; do
  if [ ! -d "$cdn/$pkg" ]; then
    tgz=$(cd "$tmp" && npm pack "$pkg" --silent | tail -1)
    mkdir -p "$cdn/$pkg" && tar -xzf "$tmp/$tgz" -C "$cdn/$pkg" --strip-components=1
  fi
done
rm -rf "$tmp"
