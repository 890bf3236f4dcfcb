"""The engine: exact counts, cycles and energy of a layer under a mapping (docs/engine.md)."""
from ..kernel_cache import drop_stale

drop_stale("engine")  # before any kernel module loads its cached kernels (accelsim/kernel_cache.py)
