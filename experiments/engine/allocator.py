"""glibc's allocator set for the model's many large temporary arrays (once per process).

Every month of a run allocates and frees arrays of a few to a few hundred MB (a month's notice
pairs, the entry decision's chunks). glibc's defaults serve each allocation above its mmap
threshold (128 KiB, raised dynamically to at most 32 MB) with a fresh ``mmap`` and give it back
on ``free``, so the same pages are faulted in again and again: a province year spent 70 of its 242
CPU seconds in the kernel (docs/PERFORMANCE.md). :func:`tune` serves allocations below
``MMAP_THRESHOLD_BYTES`` from the heap, grows the heap ``TOP_PAD_BYTES`` at a time and gives free
memory at its top back to the system above ``TRIM_THRESHOLD_BYTES`` — numbers change nothing, only
where memory comes from. Measured, 10,000 villages, one year: 7.17 → 5.98 s CPU, system time
1.85 → 1.04 s, peak RSS 790 → 801 MB.

The engine calls it where runs happen (``runner.run_chunk``: serial, process-pool and Dask runs)
and ``bench`` before it measures; nothing happens at import. Elsewhere than glibc (no ``mallopt``)
it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

#: Allocations below this are served from the heap, not by their own mmap (glibc's maximum).
MMAP_THRESHOLD_BYTES = 32 << 20
#: Free memory at the heap's top above this goes back to the system.
TRIM_THRESHOLD_BYTES = 128 << 20
#: The heap grows by at least this much at a time.
TOP_PAD_BYTES = 64 << 20

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # glibc's <malloc.h>


@cache
def tune() -> bool:
    """Set glibc's thresholds for this process (once); False where there is no ``mallopt``."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is None:
        return False
    return all(mallopt(opt, value) == 1 for opt, value in ((_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
                                                           (_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES),
                                                           (_M_TOP_PAD, TOP_PAD_BYTES)))
