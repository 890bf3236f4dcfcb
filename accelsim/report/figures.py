"""The report's figures, each a function returning a :class:`matplotlib.figure.Figure`.

No pyplot (no global state, no GUI backend): notebooks display the returned figure, the
CLI saves it. Every stacked bar is one ``BarContainer`` per series whose ``label`` is the
level or data type it stacks, so the drawn values can be read back from ``ax.containers``;
the per-layer figures also carry ``fig.accelsim_labels``, every bar's name (the x ticks
show at most 60 of them).

- :func:`energy_breakdown` — per-layer (or per-block) energy stacked by level, and below
  the same stacked by data type;
- :func:`energy_totals` — the network's energy as a donut: computation vs data movement;
- :func:`dataflow_comparison` — energy per MAC per dataflow by level; DRAM accesses per MAC;
- :func:`latency` — per-layer compute vs stall cycles, and PE utilization;
- :func:`roofline` — the config's roofline with every MAC layer at its operational intensity;
- :func:`network_comparison` — energy vs weights and vs MACs, one point per network.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ..result import MultiResult, RunResult
from . import data as D
from .style import (
    COMPUTE_CYCLES_COLOR,
    DTYPE_COLORS,
    LEVEL_COLORS,
    MOVING_LEVELS,
    STACK_LEVELS,
    STALL_COLOR,
    UTIL_COLOR,
    label_bars,
    run_title,
)


def _levels_present(result: RunResult | MultiResult) -> tuple[str, ...]:
    runs = result.runs if isinstance(result, MultiResult) else (result,)
    # SIMD only where some layer spent energy on it; the PE-array levels always.
    simd = any(l.energy.get("SIMD", 0.0) for r in runs for l in r.layers)
    return tuple(k for k in STACK_LEVELS if k != "SIMD" or simd)


def _stack(ax: Axes, x: Sequence[float], series: dict[str, Sequence[float]], colors: dict[str, str], width: float = 0.8) -> None:
    bottom = [0.0] * len(x)
    for name, vals in series.items():
        ax.bar(x, vals, width, bottom=bottom, color=colors[name], label=name, linewidth=0)
        bottom = [b + v for b, v in zip(bottom, vals)]


def _mac_bars(groups: list[D.Group]) -> list[int]:
    """Bars that hold conv/fc work: the ones worth naming when not all can be."""
    return [i for i, g in enumerate(groups) if any(l.macs for l in g.layers)]


def _width(n: int) -> float:
    return max(9.0, min(36.0, 3.0 + 0.13 * n))


def _shade_blocks(ax: Axes, result: RunResult, labels_top: bool) -> None:
    """Alternate grey bands over the prefix blocks (Inception modules, dense blocks) and
    name them along the top axis."""
    blocks = D.group_layers(result.layers)
    if len(blocks) >= len(result.layers):
        return
    start = 0
    centers, names = [], []
    for i, g in enumerate(blocks):
        n = len(g.layers)
        if i % 2:
            ax.axvspan(start - 0.5, start + n - 0.5, color="#000000", alpha=0.05, linewidth=0, zorder=0)
        if n >= 3:
            centers.append(start + (n - 1) / 2)
            names.append(g.name)
        start += n
    if labels_top and centers:
        top = ax.secondary_xaxis("top")
        top.set_xticks(centers)
        top.set_xticklabels(names, rotation=90, fontsize=6)
        top.tick_params(length=0)


def energy_breakdown(result: RunResult, group: bool | None = False) -> Figure:
    """Per-layer energy in network order, stacked by level (top) and by data type (bottom).

    ``group=True`` sums consecutive layers that share a name prefix (GoogLeNet's Inception
    modules, DenseNet's dense blocks); ``None`` groups networks of more than 60 layers.
    Ungrouped, the blocks are shaded and named along the top; labels are rotated and
    thinned to at most 60.
    """
    groups = D.as_groups(result, group)
    grouped = len(groups) < len(result.layers)
    x = list(range(len(groups)))
    labels = [g.name for g in groups]
    fig = Figure(figsize=(_width(len(groups)), 8.5), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    _stack(ax1, x, D.energy_by_level(groups, _levels_present(result)), LEVEL_COLORS)
    _stack(ax2, x, D.energy_by_dtype(groups), DTYPE_COLORS)
    unit = result.energy_unit
    what = "Energy per block" if grouped else "Energy per layer"
    ax1.set_title(run_title(what + " by level (top) and by data type (bottom)", result.workload, result.hardware,
                            result.dataflow, unit), fontsize=10)
    ax1.set_ylabel(f"energy by level\n[{unit}]", fontsize=8)
    ax2.set_ylabel(f"energy by data type\n[{unit}]", fontsize=8)
    for ax in (ax1, ax2):
        ax.legend(fontsize=7, ncols=6, loc="upper right", frameon=False)
        ax.grid(axis="y", alpha=0.3)
        if not grouped:
            _shade_blocks(ax, result, labels_top=ax is ax1)
    label_bars(ax2, labels, prefer=_mac_bars(groups))
    fig.accelsim_labels = labels  # every bar's name (the ticks show at most 60)
    return fig


def energy_totals(result: RunResult) -> Figure:
    """The network's energy as a donut by level: computation (MAC, SIMD) against data
    movement (RF, NoC, GLB, DRAM), with the share of data movement in the middle."""
    t = result.totals()
    total = t["energy_total"]
    order = ("MAC", "SIMD") + MOVING_LEVELS
    parts = [(k, t["energy"][k]) for k in order if t["energy"].get(k, 0.0) > 0]
    fig = Figure(figsize=(7.5, 5.5), layout="constrained")
    ax = fig.subplots()
    wedges, _ = ax.pie(
        [v for _, v in parts], colors=[LEVEL_COLORS[k] for k, _ in parts], startangle=90, counterclock=False,
        wedgeprops={"width": 0.38, "edgecolor": "white"},
    )
    for w, (k, v) in zip(wedges, parts):
        w.set_label(k)
    share = t["data_movement_share"]
    ax.text(0, 0.08, f"{share:.0%}", ha="center", va="center", fontsize=26, weight="bold")
    ax.text(0, -0.18, "data movement", ha="center", va="center", fontsize=10)
    ax.legend(wedges, [f"{k}  {v / total:.1%}" for k, v in parts], loc="center left", bbox_to_anchor=(1.0, 0.5),
              fontsize=9, frameon=False, title=f"total {total:.4g}\n{result.energy_unit}", title_fontsize=8)
    ax.set_title(run_title("Energy: computation vs data movement", result.workload, result.hardware, result.dataflow,
                           result.energy_unit), fontsize=10)
    ax.set_aspect("equal")
    return fig


def dataflow_comparison(multi: MultiResult) -> Figure:
    """As Eyeriss' dataflow comparison: energy per MAC of each dataflow stacked by level
    (left), and DRAM accesses per MAC stacked by data type (right)."""
    runs = multi.runs
    names = [r.dataflow for r in runs]
    x = list(range(len(runs)))
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    _stack(ax1, x, D.per_mac_by_level(multi, _levels_present(multi)), LEVEL_COLORS, width=0.6)
    _stack(ax2, x, D.dram_per_mac_by_dtype(multi), DTYPE_COLORS, width=0.6)
    unit = runs[0].energy_unit
    for ax in (ax1, ax2):
        ax.set_xticks(x)
        ax.set_xticklabels(names)
        ax.set_xlabel("dataflow")
        ax.grid(axis="y", alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax1.set_ylabel(f"energy per MAC [{unit}]")
    ax2.set_ylabel("DRAM accesses per MAC (elements)")
    ax1.set_title("energy per MAC, by level", fontsize=9)
    ax2.set_title("DRAM accesses per MAC, by data type", fontsize=9)
    fig.suptitle(f"Dataflow comparison — {runs[0].workload} on {runs[0].hardware}, dataflows {', '.join(names)}\n"
                 f"energy unit: {unit}", fontsize=10)
    return fig


def latency(result: RunResult, group: bool | None = False) -> Figure:
    """Per-layer cycles split into compute and stall cycles (top), PE utilization (bottom)."""
    groups = D.as_groups(result, group)
    x = list(range(len(groups)))
    c = D.cycles_split(groups)
    fig = Figure(figsize=(_width(len(groups)), 7.5), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    _stack(ax1, x, {"compute": c["compute"], "stall": c["stall"]}, {"compute": COMPUTE_CYCLES_COLOR, "stall": STALL_COLOR})
    ax2.bar(x, [100 * u for u in D.utilization(groups, result.pes)], 0.8, color=UTIL_COLOR, label="utilization", linewidth=0)
    ax1.set_ylabel("cycles")
    ax2.set_ylabel("PE utilization [%]")
    ax2.set_ylim(0, 100)
    t = result.totals()
    ax1.set_title(run_title(
        f"Latency per layer: {t['cycles']:,} cycles, {t['stall_cycles']:,} of them stalls; "
        f"{t['utilization']:.0%} of {result.pes} PEs busy at {result.clock_mhz:g} MHz",
        result.workload, result.hardware, result.dataflow), fontsize=10)
    for ax in (ax1, ax2):
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, frameon=False, loc="upper right")
        if len(groups) == len(result.layers):
            _shade_blocks(ax, result, labels_top=ax is ax1)
    label_bars(ax2, [g.name for g in groups], prefer=_mac_bars(groups))
    fig.accelsim_labels = [g.name for g in groups]
    return fig


def roofline(result: RunResult) -> Figure:
    """The roofline of the config — peak MACs/cycle and DRAM bytes/cycle — with every MAC
    layer at its operational intensity (MACs per DRAM byte) and achieved MACs/cycle."""
    pts = D.roofline_points(result)
    peak, bw = float(result.pes), result.dram_bytes_per_cycle
    fig = Figure(figsize=(8, 5.5), layout="constrained")
    ax = fig.subplots()
    ridge = peak / bw if bw else 1.0
    lo = min([p.intensity for p in pts] + [ridge]) / 4
    hi = max([p.intensity for p in pts] + [ridge]) * 4
    xs = [lo * (hi / lo) ** (i / 200) for i in range(201)]
    ax.plot(xs, [min(peak, x * bw) for x in xs], color="black", linewidth=1.5, label="roof", gid="roof")
    ax.axvline(ridge, color="grey", linestyle=":", linewidth=1)
    ax.text(ridge, peak * 1.08, f"ridge {ridge:.3g} MACs/B", ha="center", fontsize=7, color="grey")
    sc = ax.scatter([p.intensity for p in pts], [p.macs_per_cycle for p in pts], s=14, color=LEVEL_COLORS["DRAM"],
                    alpha=0.75, label=f"layers ({len(pts)})", zorder=3)
    sc.set_gid("layers")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("operational intensity [MACs per DRAM byte]")
    ax.set_ylabel("MACs per cycle")
    ymin = min([p.macs_per_cycle for p in pts] + [peak]) / 3
    ax.set_ylim(ymin, peak * 2)
    ax.grid(which="both", alpha=0.2)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(run_title(f"Roofline: peak {peak:g} MACs/cycle, DRAM {bw:.3g} B/cycle", result.workload,
                           result.hardware, result.dataflow), fontsize=10)
    return fig


@dataclass(frozen=True)
class NetworkPoint:
    """One network in :func:`network_comparison`."""

    name: str
    weights: int
    macs: int
    energy: float


def network_points(results: Sequence[RunResult]) -> list[NetworkPoint]:
    return [NetworkPoint(r.workload, r.weights, r.totals()["macs"], r.totals()["energy_total"]) for r in results]


def network_comparison(results: Sequence[RunResult]) -> Figure:
    """Energy against number of weights (left) and against MACs (right), one point per
    network: fewer weights does not mean less energy."""
    pts = network_points(results)
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    for ax, attr, label in ((ax1, "weights", "weights"), (ax2, "macs", "MACs")):
        xs = [getattr(p, attr) for p in pts]
        ys = [p.energy for p in pts]
        sc = ax.scatter(xs, ys, s=40, color=LEVEL_COLORS["DRAM"], zorder=3)
        sc.set_gid(attr)
        for p, x0, y0 in zip(pts, xs, ys):
            ax.annotate(p.name, (x0, y0), textcoords="offset points", xytext=(5, 4), fontsize=8)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(0, max(ys) * 1.15)
        ax.set_xlabel(f"{label} (batch {results[0].batch})" if attr == "macs" else "weights")
        ax.grid(which="both", alpha=0.2)
    r0 = results[0]
    ax1.set_ylabel(f"energy [{r0.energy_unit}]")
    dfs = sorted({r.dataflow for r in results})
    fig.suptitle(f"Energy vs weights and vs MACs — {len(pts)} networks on {r0.hardware}, dataflow {', '.join(dfs)}\n"
                 f"energy unit: {r0.energy_unit}", fontsize=10)
    return fig


def standard_figures(result: RunResult | MultiResult) -> dict[str, Figure]:
    """Every figure for a result, by file stem: for one run the energy per layer (and per
    block where names have prefixes), the totals, latency and roofline; for several
    dataflows the comparison, then the same for the dataflow that spends the least energy
    (stems suffixed ``_<df>``; the others are a ``plot`` of one run away)."""
    if isinstance(result, MultiResult):
        figs = {"dataflows": dataflow_comparison(result)}
        best = min(result.runs, key=lambda r: r.totals()["energy_total"])
        figs.update({f"{k}_{best.dataflow}": f for k, f in standard_figures(best).items()})
        return figs
    figs = {"energy_layers": energy_breakdown(result, group=False)}
    if len(D.group_layers(result.layers)) < len(result.layers):
        figs["energy_blocks"] = energy_breakdown(result, group=True)
    figs["energy_totals"] = energy_totals(result)
    figs["latency"] = latency(result)
    if D.roofline_points(result):
        figs["roofline"] = roofline(result)
    return figs


