"""A sweep's figures, each a function returning a :class:`matplotlib.figure.Figure` (no pyplot).

- :func:`pareto_figure` — every design of each workload at (x, energy), its Pareto front
  drawn and its points labelled: x = latency (``pareto_energy_latency``) or on-chip
  storage (``pareto_energy_storage``);
- :func:`heatmap` — one metric over two axes, per workload, the least value over the
  other axes, dataflows and batch sizes in each cell.

Each front point's scatter carries its rows as ``collection.accelsim_rows`` so a test can
read back what was drawn.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib import colormaps
from matplotlib.figure import Figure

from ..report.style import LEVEL_COLORS
from .analysis import by_workload, grid, pareto
from .spec import SweepSpec

_DF_COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b2", "#937860")
MAX_LABELS = 10
X_LABEL = {"latency_s": "latency [ms]", "onchip_bytes": "on-chip storage (RF + GLB) [KiB]"}
X_SCALE = {"latency_s": 1e3, "onchip_bytes": 1 / 1024}


def _panels(n: int) -> tuple[int, int]:
    cols = min(n, 3)
    return -(-n // cols), cols


def pareto_figure(spec: SweepSpec, rows: Sequence[dict[str, Any]], x: str, labels: dict[int, str]) -> Figure | None:
    """Energy against ``x`` ('latency_s' or 'onchip_bytes'); None if no task succeeded."""
    groups = by_workload(rows)
    if not groups:
        return None
    nr, nc = _panels(len(groups))
    fig = Figure(figsize=(5.2 * nc, 4.4 * nr), layout="constrained")
    axes = fig.subplots(nr, nc, squeeze=False).ravel()
    dfs = list(dict.fromkeys(r["dataflow"] for rs in groups.values() for r in rs))
    unit = next(iter(groups.values()))[0]["energy_unit"]
    sx = X_SCALE[x]
    for ax, (w, rs) in zip(axes, groups.items()):
        for k, df in enumerate(dfs):
            pts = [r for r in rs if r["dataflow"] == df]
            ax.scatter([r[x] * sx for r in pts], [r["energy"] for r in pts], s=14, alpha=0.45,
                       color=_DF_COLORS[k % len(_DF_COLORS)], label=f"dataflow {df}", zorder=2)
        front = pareto(rs, x, "energy")
        fx, fy = [r[x] * sx for r in front], [r["energy"] for r in front]
        ax.step(fx, fy, where="post", color=LEVEL_COLORS["DRAM"], lw=1.2, zorder=3)
        sc = ax.scatter(fx, fy, s=36, facecolor="none", edgecolor=LEVEL_COLORS["DRAM"], lw=1.4, zorder=4,
                        label="Pareto front")
        sc.accelsim_rows = front  # type: ignore[attr-defined]
        step = max(1, math.ceil(len(front) / MAX_LABELS))
        for i, r in enumerate(front[::step]):
            ax.annotate(f"#{r['design']} {labels[r['design']]} {r['dataflow']}", (r[x] * sx, r["energy"]),
                        textcoords="offset points", xytext=(6, 4 if i % 2 == 0 else -10), fontsize=7)
        ax.set_title(f"{w}: {len(rs)} runs, {len(front)} on the front", fontsize=9)
        ax.set_xlabel(X_LABEL[x])
        ax.set_ylabel(f"energy [{unit}]")
        ax.grid(alpha=0.25)
        ax.legend(fontsize=7, loc="upper right")
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    what = "latency" if x == "latency_s" else "on-chip storage"
    axis_names = " · ".join(a.path for a in spec.axes) or "base design"
    fig.suptitle(f"Energy vs {what}: the Pareto front per workload (both minimised)\n"
                 f"points labelled #design {axis_names} dataflow; energy unit: {unit}", fontsize=10)
    return fig


def heat_axes(spec: SweepSpec) -> tuple[str, str] | None:
    """The heat map's two axes: the spec's ``heatmap``, else the first two with several values."""
    if spec.heatmap:
        return spec.heatmap
    many = [a.path for a in spec.axes if len(a.values) > 1]
    return (many[0], many[1]) if len(many) >= 2 else None


def heatmap(spec: SweepSpec, rows: Sequence[dict[str, Any]], metric: str) -> Figure | None:
    """``metric`` over the two heat-map axes, one panel per workload; None without two axes or results."""
    pair = heat_axes(spec)
    groups = by_workload(rows)
    if pair is None or not groups:
        return None
    ax_of = {a.path: a for a in spec.axes}
    xa, ya = ax_of[pair[0]], ax_of[pair[1]]
    nr, nc = _panels(len(groups))
    fig = Figure(figsize=(1.2 * len(xa.values) * nc + 2.5 * nc, 0.7 * len(ya.values) * nr + 2.2 * nr), layout="constrained")
    axes = fig.subplots(nr, nc, squeeze=False).ravel()
    unit = next(iter(groups.values()))[0]["energy_unit"]
    units = {"energy": unit, "latency_s": "s", "edp": f"{unit}·s"}
    for ax, (w, rs) in zip(axes, groups.items()):
        cells = grid(rs, xa.path, xa.values, ya.path, ya.values, metric)
        finite = [v for row in cells for v in row if not math.isnan(v)]
        lo, hi = min(finite), max(finite)
        scale, prefix = next(((d, f" {p}") for d, p in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")) if hi >= d), (1, ""))
        cmap = colormaps["viridis_r"].with_extremes(bad="#dddddd")
        im = ax.imshow(cells, cmap=cmap, aspect="auto", origin="lower", vmin=lo, vmax=hi)
        for i, row in enumerate(cells):
            for j, v in enumerate(row):
                text = "—" if math.isnan(v) else f"{v / scale:.4g}{prefix}"
                ax.text(j, i, text, ha="center", va="center", fontsize=7,
                        color="#222" if math.isnan(v) or v < lo + 0.5 * (hi - lo) else "white")
        ax.set_xticks(range(len(xa.values)), [str(v) for v in xa.values], fontsize=8)
        ax.set_yticks(range(len(ya.values)), [str(v) for v in ya.values], fontsize=8)
        ax.set_xlabel(xa.path)
        ax.set_ylabel(ya.path)
        ax.set_title(w, fontsize=9)
        fig.colorbar(im, ax=ax, label=f"{metric} [{units[metric]}]")
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    fig.suptitle(f"{metric} over {xa.path} × {ya.path}: least over the other axes, dataflows and batch sizes; "
                 "grey: no run (excluded or failed)", fontsize=10)
    return fig
