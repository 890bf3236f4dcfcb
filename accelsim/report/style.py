"""One look for every figure: a colour per level and per data type, titles, label thinning.

The same level or data type has the same colour in every figure (per-layer bars, network
totals, the dataflow comparison), so a reader learns the palette once.
"""
from __future__ import annotations

from matplotlib.axes import Axes

# Levels, innermost (cheapest) first, then the SIMD unit; "compute" is MAC + SIMD where
# a figure splits energy by data type (computation has no data type).
LEVEL_COLORS: dict[str, str] = {
    "MAC": "#4c72b0",
    "RF": "#55a868",
    "NoC": "#8172b2",
    "GLB": "#ccb974",
    "DRAM": "#c44e52",
    "SIMD": "#64b5cd",
}
DTYPE_COLORS: dict[str, str] = {
    "weight": "#dd8452",
    "ifmap": "#1f9e89",
    "psum": "#9d4edd",
    "ofmap": "#6b6b6b",
    "compute": LEVEL_COLORS["MAC"],
}
STALL_COLOR = "#c44e52"
COMPUTE_CYCLES_COLOR = "#4c72b0"
UTIL_COLOR = "#55a868"

STACK_LEVELS: tuple[str, ...] = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
STACK_DTYPES: tuple[str, ...] = ("weight", "ifmap", "psum", "ofmap")
MOVING_LEVELS: tuple[str, ...] = ("RF", "NoC", "GLB", "DRAM")

MAX_TICK_LABELS = 60


def run_title(what: str, workload: str, hardware: str, dataflow: str, unit: str | None = None) -> str:
    """'<what> — <workload> on <hardware>, dataflow <df>' and, below, the energy unit."""
    head = f"{what} — {workload} on {hardware}, dataflow {dataflow}"
    return head + (f"\nenergy unit: {unit}" if unit else "")


def label_bars(ax: Axes, labels: list[str], max_labels: int = MAX_TICK_LABELS, prefer: list[int] | None = None) -> None:
    """Tick labels under bars 0..n-1, rotated, thinned to at most ``max_labels`` so that
    100+ layers stay readable: the bars in ``prefer`` (the conv/fc layers) are named first,
    every k-th of them if they are still too many."""
    n = len(labels)
    pool = list(range(n)) if n <= max_labels or not prefer else prefer
    step = max(1, -(-len(pool) // max_labels))
    ticks = pool[::step]
    ax.set_xticks(ticks)
    size = 7  # at most max_labels of them: legible at 100 % zoom however many bars
    ax.set_xticklabels([labels[i] for i in ticks], rotation=90, fontsize=size)
    ax.set_xlim(-0.6, n - 0.4)
