"""numba's on-disk kernel cache, kept in step across the modules whose kernels call each other.

numba checks a cached kernel against its own source file only (the file's modification time
and size), but a kernel that calls a kernel of another module has that callee compiled into
it: after a change to ``engine/tiles.py`` alone, the cached ``kernel.layer_totals`` and
``bound.dram_traffic`` would still run the old DRAM walk, with no error. So each
:data:`GROUPS` entry lists the modules whose kernels call each other, and before the first of
them is imported its package calls :func:`drop_stale`: where the modules' stamps differ from
those recorded beside their caches, every cached kernel of the group is dropped, and numba
compiles them again on first use (once; then the new stamps are recorded).

Only numba's default place is handled, ``__pycache__`` beside the source; with
``NUMBA_CACHE_DIR`` set numba keeps its files elsewhere and nothing is dropped. Nothing here
imports numba, so the SCALE-Sim-compatible fast path stays free of it.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# the modules (paths under accelsim/) whose cached kernels call each other's, by group
GROUPS: dict[str, tuple[str, ...]] = {
    "engine": (
        "engine/footprint.py",
        "engine/tiles.py",
        "engine/kernel.py",
        "engine/bound.py",
        "engine/exact_kernel.py",
        "mapping/rf_blocks.py",
    ),
    "scalesim": (
        "scalesim/state.py",
        "scalesim/kernels.py",
        "scalesim/traces.py",
        "scalesim/dram_traces.py",
    ),
}


def stamps(root: Path, modules: tuple[str, ...]) -> str:
    """What numba's own check reads of each module (modification time in ns and size), one
    line per module; a missing module reads as ``-``."""
    lines = []
    for m in modules:
        try:
            st = (root / m).stat()
            lines.append(f"{m} {st.st_mtime_ns} {st.st_size}")
        except OSError:
            lines.append(f"{m} -")
    return "\n".join(lines) + "\n"


def cached_kernels(root: Path, modules: tuple[str, ...]) -> list[Path]:
    """numba's cache files of these modules' kernels (``<module>.<kernel>-<line>.<python>.nbi``
    and ``.nbc`` in the ``__pycache__`` beside each module)."""
    out: list[Path] = []
    for m in modules:
        src = root / m
        cache = src.parent / "__pycache__"
        if not cache.is_dir():
            continue
        prefix = src.stem + "."
        out += [f for f in cache.iterdir() if f.name.startswith(prefix) and f.suffix in (".nbi", ".nbc")]
    return sorted(out)


def drop_stale(group: str, root: Path = ROOT, groups: dict[str, tuple[str, ...]] = GROUPS) -> list[Path]:
    """Drop the group's cached kernels if any of its modules changed since they were cached
    (or no stamp was recorded); return the files dropped. Never raises: a read-only tree or
    a file another process removed first leaves numba to do what it always does."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return []
    modules = groups[group]
    now = stamps(root, modules)
    stamp = (root / modules[0]).parent / "__pycache__" / f"accelsim-kernels-{group}.stamp"
    try:
        if stamp.read_text() == now:
            return []
    except OSError:
        pass
    dropped = []
    for f in cached_kernels(root, modules):
        try:
            f.unlink()
            dropped.append(f)
        except OSError:
            pass
    try:
        stamp.parent.mkdir(exist_ok=True)
        tmp = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
        tmp.write_text(now)
        os.replace(tmp, stamp)  # whole or not at all, also with several processes starting at once
    except OSError:
        pass
    return dropped
