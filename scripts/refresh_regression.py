"""Regenerate the regression baseline (tests/regression/baseline.json) deliberately.

Run it only after an intended change to the model or its calibration, and say in the commit
message why the outcomes moved: ``python scripts/refresh_regression.py`` prints every outcome that
changed, then rewrites the file atomically.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments.studies.regression import BASELINE_FILE, compute, differences, write  # noqa: E402


def main() -> int:
    """Recompute, show what moved, write."""
    fresh = compute()
    if BASELINE_FILE.exists():
        moved = differences(json.loads(BASELINE_FILE.read_text(encoding="utf-8")), fresh)
        print(f"{len(moved)} outcome values changed" + (":" if moved else "."))
        for line in moved:
            print("  " + line)
    write(fresh)
    print(f"wrote {BASELINE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
