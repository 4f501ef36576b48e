#!/usr/bin/env bash
# Regenerates results/curated/reform_package/: runs the reform-package experiment afresh, writes
# its evidence report and policy brief in English and Chinese from the same tables, and copies
# the kilobyte-sized outputs (report, brief, summary, difference and cost-effectiveness tables, two
# figures per language) into the curated folder that the README links to. The reports carry the
# robustness section from results/curated/robustness/ (saved by `python -m experiments validate`)
# when it is there, and the explain section of every `explain_*/` folder of the results (written by
# `python -m experiments explain experiments/reform_package.toml --reform R ...`; their tables and
# figures are copied too), and the effects over the calibration's posterior when `posterior/` holds
# them (`python -m experiments run experiments/reform_package.toml --parameter-draws
# results/curated/calibration/posterior.parquet --draws 10 --reps 3 --out results/reform_package/posterior`,
# the command recorded in posterior/command.txt). Run from anywhere; a few minutes on 2 cores. The Chinese figures use
# Noto Sans CJK SC from the mplfonts package (a dependency).
#   bash scripts/curate_reform_package.sh                # rerun the experiment, then report
#   bash scripts/curate_reform_package.sh --reports-only # report the results already there
set -euo pipefail
cd "$(dirname "$0")/.."
out=results/reform_package
cur=results/curated/reform_package
if [[ "${1:-}" != "--reports-only" ]]; then
  python -m experiments run experiments/reform_package.toml --out "$out" --fresh --quiet
fi
rob=()
if [[ -f results/curated/robustness/screen.csv ]]; then rob=(--robustness results/curated/robustness); fi
for lang in en zh; do
  python -m experiments report "$out" --lang "$lang" "${rob[@]}"
  python -m experiments brief "$out" --lang "$lang"
done
rm -rf "$cur/figures" "$cur"/report*.md "$cur"/report*.html "$cur"/brief*.md "$cur"/brief*.html
mkdir -p "$cur/figures"
cp "$out"/report.md "$out"/report.html "$out"/report.zh.md "$out"/report.zh.html \
   "$out"/brief.md "$out"/brief.html "$out"/brief.zh.md "$out"/brief.zh.html \
   "$out"/summary.csv "$out"/differences.csv "$out"/cost_effectiveness.csv "$cur"/
cp "$out"/figures/fig*_no_bid_by_level.png "$out"/figures/fig*_no_bid_by_level.zh.png \
   "$out"/figures/fig*_frontier.png "$out"/figures/fig*_frontier.zh.png "$cur/figures/"
cp "$out"/figures/explain_*.png "$cur/figures/" 2>/dev/null || true  # the report's explain sections
rm -rf "$cur/explain"
for d in "$out"/explain_*/; do
  [[ -f "$d/explain.parquet" ]] || continue
  name=$(basename "$d")
  mkdir -p "$cur/explain/$name"
  cp "$d"/explain.parquet "$d"/explain.json "$d"/explain.md "$d"/explain.zh.md "$cur/explain/$name/"
  cp "$d"/figures/explain*.png "$cur/explain/$name/" 2>/dev/null || true
done
rm -rf "$cur/posterior"
if [[ -f "$out/posterior/parameter_effects.csv" ]]; then  # effects over the calibration's posterior
  mkdir -p "$cur/posterior"
  cp "$out/posterior/parameter_effects.csv" "$cur/posterior/"
  [[ -f "$out/posterior/command.txt" ]] && cp "$out/posterior/command.txt" "$cur/posterior/"
fi
echo "curated: $cur ($(ls "$cur" | wc -l) files, $(ls "$cur/figures" | wc -l) figures)"
