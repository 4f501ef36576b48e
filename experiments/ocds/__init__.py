"""Open Contracting Data Standard (OCDS 1.1) in and out.

- `codes`: the simulated calendar and the mapping of the model's methods, levels and
  failure reasons to OCDS codes (with the Chinese method names and their legal sources).
- `export`: tender logs of a results folder -> OCDS 1.1 release packages (JSON, or gzipped JSON
  Lines above a size).
- `validate`: offline validation with libcoveocds against the OCDS 1.1.5 schema shipped in
  `experiments/ocds/standard/` (see its README for the source and licence).
- `read`: OCDS files in (JSON or JSON Lines, gzipped or not, detected from the content); malformed
  files refused in one line.
- `processes`: releases merged per ocid (ocdsmerge), notices per tender id, duplicates dropped.
- `clean`: checks of amounts and tenderer counts, currencies, derived `numberOfTenderers`,
  `--method-map`, and the summary of what was dropped.
- `indicators`: Open Contracting red-flag indicators on exported (or any OCDS) data.
- `targets`: calibration targets from a real OCDS release or record package.

The extension for what OCDS lacks (place level, distance, notice reach, failure reason...) is
`experiments/ocds/extension/` (extension.json, release-schema.json and README.md).
"""
