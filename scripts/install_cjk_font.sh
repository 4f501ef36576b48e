#!/usr/bin/env bash
# Installs the CJK font that Chinese figures need (`python -m experiments report DIR --lang zh`,
# `brief --lang zh`, the dashboard in Chinese): Debian's fonts-noto-cjk, i.e. Noto Sans CJK
# (Google and Adobe's Pan-CJK family, the same design as Source Han Sans; simplified-Chinese face
# "Noto Sans CJK SC", GB 18030 coverage), maintained in Debian and installed with apt-get as root.
# Optional: the project's install already brings Noto Sans CJK SC from the package index (the
# mplfonts package, registered by model/fonts.py), so neither the README's commands nor .ci/run
# need this script. A system simplified-Chinese face, where one is installed, is used first.
set -euo pipefail
if ! fc-list :lang=zh-cn family 2>/dev/null | grep -q "Noto Sans CJK"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk > /dev/null
fi
fc-list :lang=zh-cn family | grep -m1 "Noto Sans CJK" > /dev/null
