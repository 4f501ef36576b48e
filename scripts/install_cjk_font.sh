#!/usr/bin/env bash
# Installs the CJK font that Chinese figures need (`python -m experiments report DIR --lang zh`,
# `brief --lang zh`, the dashboard in Chinese): Debian's fonts-noto-cjk, i.e. Noto Sans CJK
# (Google and Adobe's Pan-CJK family, the same design as Source Han Sans; simplified-Chinese face
# "Noto Sans CJK SC", GB 18030 coverage), maintained in Debian and installed with apt-get as root.
# Matplotlib finds it through experiments/analysis/fonts.py (which registers it even when
# matplotlib's font cache predates the install). .ci/run runs this script.
set -euo pipefail
if ! fc-list :lang=zh-cn family 2>/dev/null | grep -q "Noto Sans CJK"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk > /dev/null
fi
fc-list :lang=zh-cn family | grep -m1 "Noto Sans CJK" > /dev/null
