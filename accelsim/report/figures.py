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

import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ..result import MultiResult, RunResult
from ..terminal.units import EnergyFormat
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


# At the report's 110 dpi, 12.2 inches is 1342 pixels: a figure fits report.html's column
# (and a 1400-pixel window) at 100 % zoom instead of scrolling sideways.
MAX_WIDTH_IN = 12.2
# Beyond this many layers the per-layer figures are drawn per block and for the top layers
# only (standard_figures), so that their cost stays bounded.
MAX_BARS = 250
TOP_LAYERS = 60


def _width(n: int) -> float:
    return max(9.0, min(MAX_WIDTH_IN, 3.0 + 0.13 * n))


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _scale_axis(ax: Axes, label: str, unit: str, top: float) -> None:
    """Ticks as plain numbers and the power of ten in the axis label (``[10⁹ × one MAC]``),
    instead of matplotlib's offset text ("1e9") over the top of the axes."""
    from matplotlib.ticker import FuncFormatter

    exp = 3 * int(math.floor(math.log10(top) / 3)) if top >= 1000 else 0
    scale = 10.0 ** exp
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / scale:g}"))
    words = EnergyFormat(unit).short or unit
    if words == "× one MAC":
        words = "× one MAC's energy"
    head = f"10{str(exp).translate(_SUPERSCRIPT)} " if exp else ""
    ax.set_ylabel(f"{label}\n[{head}{words}]", fontsize=8)


def _legend_outside(ax: Axes, **kw: object) -> None:
    """The legend to the right of the axes, clear of every bar."""
    handles, labels = ax.get_legend_handles_labels()
    if kw.pop("reverse", False):
        handles, labels = handles[::-1], labels[::-1]
    ax.legend(handles, labels, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.005, 1.0), **kw)


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
        top.set_xticklabels(names, rotation=90, fontsize=7)
        top.tick_params(length=0)


def energy_breakdown(result: RunResult, group: bool | None = False) -> Figure:
    """Per-layer energy in network order, stacked by level (top) and by data type (bottom).

    ``group=True`` sums consecutive layers that share a name prefix (GoogLeNet's Inception
    modules, DenseNet's dense blocks); ``None`` groups networks of more than 60 layers.
    Ungrouped, the blocks are shaded and named along the top; labels are rotated and
    thinned to at most 60. Grouped, a network of more than MAX_BARS blocks is cut into
    MAX_BARS runs of consecutive layers.
    """
    groups = D.as_groups(result, group)
    if len(groups) < len(result.layers) or len(groups) > MAX_BARS and group is not False:
        groups = D.bounded_groups(result.layers, MAX_BARS)
    grouped = len(groups) < len(result.layers)
    return _breakdown(result, groups, "Energy per block" if grouped else "Energy per layer", shade=not grouped)


def energy_top(result: RunResult, k: int = TOP_LAYERS) -> Figure:
    """The ``k`` layers that spend the most energy, in network order, stacked as
    :func:`energy_breakdown` (for networks too long to draw one bar per layer)."""
    return _breakdown(result, D.top_layers(result, k), f"The {k} most energy-hungry of {len(result.layers)} layers",
                      shade=False)


def _breakdown(result: RunResult, groups: list[D.Group], what: str, shade: bool) -> Figure:
    x = list(range(len(groups)))
    labels = [g.name for g in groups]
    fig = Figure(figsize=(_width(len(groups)), 8.5), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    by_level = D.energy_by_level(groups, _levels_present(result))
    _stack(ax1, x, by_level, LEVEL_COLORS)
    _stack(ax2, x, D.energy_by_dtype(groups), DTYPE_COLORS)
    unit = result.energy_unit
    ax1.set_title(run_title(what + " by level (top) and by data type (bottom)", result.workload, result.hardware,
                            result.dataflow, unit), fontsize=10)
    top = max([sum(v) for v in zip(*by_level.values())] or [0.0])
    _scale_axis(ax1, "energy by level", unit, top)
    _scale_axis(ax2, "energy by data type", unit, top)
    for ax in (ax1, ax2):
        _legend_outside(ax, reverse=True)
        ax.grid(axis="y", alpha=0.3)
        if shade:
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
    if len(groups) < len(result.layers) or len(groups) > MAX_BARS and group is not False:
        groups = D.bounded_groups(result.layers, MAX_BARS)
    x = list(range(len(groups)))
    c = D.cycles_split(groups)
    fig = Figure(figsize=(_width(len(groups)), 7.5), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    _stack(ax1, x, {"compute": c["compute"], "stall": c["stall"]}, {"compute": COMPUTE_CYCLES_COLOR, "stall": STALL_COLOR})
    ax2.bar(x, [100 * u for u in D.utilization(groups, result.pes)], 0.8, color=UTIL_COLOR, label="utilization", linewidth=0)
    _scale_axis(ax1, "cycles", "cycles", max([a + b for a, b in zip(c["compute"], c["stall"])] or [0]))
    ax2.set_ylabel("PE utilization [%]", fontsize=8)
    ax2.set_ylim(0, 100)
    t = result.totals()
    ax1.set_title(run_title(
        f"Latency per layer: {t['cycles']:,} cycles, {t['stall_cycles']:,} of them stalls; "
        f"{t['utilization']:.0%} of {result.pes} PEs busy at {result.clock_mhz:g} MHz",
        result.workload, result.hardware, result.dataflow), fontsize=10)
    for ax in (ax1, ax2):
        ax.grid(axis="y", alpha=0.3)
        _legend_outside(ax)
        if len(groups) == len(result.layers):
            _shade_blocks(ax, result, labels_top=ax is ax1)
    label_bars(ax2, [g.name for g in groups], prefer=_mac_bars(groups))
    fig.accelsim_labels = [g.name for g in groups]
    return fig


ROOFLINE_TYPE_COLORS: dict[str, str] = {
    "conv": "#c44e52", "pointwise conv (1×1)": "#dd8452", "grouped / depthwise conv": "#8172b2", "fc": "#4c72b0",
}
ROOFLINE_NAMED = 5  # the largest layers (by MACs) are named on the plot


def layer_kind(shape: dict, type_: str) -> str:
    """The roofline's legend entry for a MAC layer: conv, pointwise, grouped/depthwise or fc."""
    if type_ == "fc":
        return "fc"
    if int(shape.get("G", 1)) > 1:
        return "grouped / depthwise conv"
    if int(shape.get("R", 0)) == 1 and int(shape.get("S", 0)) == 1:
        return "pointwise conv (1×1)"
    return "conv"


def roofline(result: RunResult) -> Figure:
    """The roofline of the config — peak MACs/cycle and DRAM bytes/cycle — with every MAC
    layer at its operational intensity (MACs per DRAM byte) and achieved MACs/cycle,
    coloured by layer type, the largest named, and a note counting the layers by what
    bounds them (the mapper's ``bound_by``: why points line up in rows below the peak)."""
    from collections import Counter

    from matplotlib.lines import Line2D

    pts = D.roofline_points(result)
    by_name = {l.name: l for l in result.layers}
    layers = [by_name[p.name] for p in pts]
    kinds = [layer_kind(l.shape, l.type) for l in layers]
    peak, bw = float(result.pes), result.dram_bytes_per_cycle
    fig = Figure(figsize=(10, 6.2), layout="constrained")
    ax = fig.subplots()
    ridge = peak / bw if bw else 1.0
    lo = min([p.intensity for p in pts] + [ridge]) / 4
    hi = max([p.intensity for p in pts] + [ridge]) * 4
    xs = [lo * (hi / lo) ** (i / 200) for i in range(201)]
    ax.plot(xs, [min(peak, x * bw) for x in xs], color="black", linewidth=1.5, label="roof", gid="roof")
    ax.axvline(ridge, color="grey", linestyle=":", linewidth=1)
    ymin = min([p.macs_per_cycle for p in pts] + [peak]) / 3
    ax.text(ridge * 1.08, ymin * 1.3, f"ridge {ridge:.3g} MACs/B", ha="left", va="bottom", fontsize=8, color="grey",
            rotation=90)
    ax.text(ridge * 1.1, peak * 1.12, f"peak: {peak:g} PEs", ha="left", fontsize=8)
    ax.text(lo * 1.5, lo * 1.5 * bw * 1.25, f"DRAM {bw:.3g} B/cycle", fontsize=8, rotation=0)
    sc = ax.scatter([p.intensity for p in pts], [p.macs_per_cycle for p in pts], s=22,
                    c=[ROOFLINE_TYPE_COLORS[k] for k in kinds], alpha=0.8, zorder=3, linewidths=0)
    sc.set_gid("layers")
    named = sorted(range(len(pts)), key=lambda i: -layers[i].macs)[:ROOFLINE_NAMED]
    for i in named:
        ax.annotate(pts[i].name, (pts[i].intensity, pts[i].macs_per_cycle), textcoords="offset points",
                    xytext=(6, -3 - 9 * (named.index(i) % 2)), fontsize=7, gid=f"name:{pts[i].name}",
                    arrowprops={"arrowstyle": "-", "color": "#888", "linewidth": 0.5})
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("operational intensity [MACs per DRAM byte]")
    ax.set_ylabel("MACs per cycle (achieved)")
    ax.set_ylim(ymin, peak * 2.2)
    ax.grid(which="both", alpha=0.2)
    present = [k for k in ROOFLINE_TYPE_COLORS if k in kinds]
    handles = [Line2D([], [], color="black", linewidth=1.5, label="roof")]
    handles += [Line2D([], [], marker="o", linestyle="", color=ROOFLINE_TYPE_COLORS[k], label=f"{k} ({kinds.count(k)})")
                for k in present]
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.005, 1.0), frameon=False,
              title="layers by type", title_fontsize=8)
    bound = Counter(l.mapping.get("bound_by", "?") for l in layers)

    def why(k: str) -> str:
        if "DRAM" in k:
            return "on the slanted roof"
        if k == "compute":
            return "at the peak, or under it\n      where the layer does not fill the array"
        return "rows under the peak: the on-chip\n      bandwidth caps them"

    note = "what bounds the layers\n(the mapper's bound_by):\n" + "\n".join(
        f"  {n} × {k}:\n      {why(k)}" for k, n in bound.most_common())
    ax.text(1.01, 0.0, note, transform=ax.transAxes, fontsize=7, va="bottom", ha="left", gid="bound-note")
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


HARDWARE_COLORS: tuple[str, ...] = ("#c44e52", "#4c72b0", "#55a868", "#8172b2", "#dd8452", "#64b5cd")


def _overlaps(a: object, b: object) -> bool:
    return not (a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0)  # type: ignore[attr-defined]


def place_labels(fig: Figure, ax: Axes, xs: Sequence[float], ys: Sequence[float], names: Sequence[str]) -> list:
    """Name each point without two names overlapping each other or a point: each name
    tries offsets on growing rings around its point and takes the first free one; a name
    moved off its point is tied to it by a leader line. Returns the annotations."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    fig.draw_without_rendering()
    pts = [ax.transData.transform((x, y)) for x, y in zip(xs, ys)]
    taken = [Bbox.from_extents(px - 4, py - 4, px + 4, py + 4) for px, py in pts]
    inside = ax.get_window_extent(renderer)
    dirs = [(1, 0.4), (1, -1.2), (-1, 0.4), (-1, -1.2), (0, 1.5), (0, -2.2), (1, 1.5), (-1, 1.5), (1, -2.5), (-1, -2.5)]
    out = []
    order = sorted(range(len(names)), key=lambda i: -ys[i])
    for i in order:
        chosen = None
        for ring in (1, 2, 3, 4, 6, 8):
            for dx, dy in dirs:
                off = (6 * ring * dx, 6 * ring * dy)
                ann = ax.annotate(names[i], (xs[i], ys[i]), textcoords="offset points", xytext=off, fontsize=8,
                                  ha="left" if dx >= 0 else "right", va="bottom")
                box = ann.get_window_extent(renderer)
                if inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1) and \
                        not any(_overlaps(box, t) for t in taken):
                    chosen = (ann, box, ring)
                    break
                ann.remove()
            if chosen:
                break
        if chosen is None:  # no free place: the first choice, still tied to its point
            ann = ax.annotate(names[i], (xs[i], ys[i]), textcoords="offset points", xytext=(6, 3), fontsize=8)
            chosen = (ann, ann.get_window_extent(renderer), 1)
        ann, box, ring = chosen
        if ring > 1:
            ann.arrow_patch = None
            ann.remove()
            ann = ax.annotate(names[i], (xs[i], ys[i]), textcoords="offset points", xytext=ann.xyann, fontsize=8,
                              ha=ann.get_ha(), va="bottom",
                              arrowprops={"arrowstyle": "-", "color": "#999", "linewidth": 0.6, "shrinkA": 0, "shrinkB": 3})
        ann.set_gid(f"label:{names[i]}")
        taken.append(box)
        out.append(ann)
    return out


def network_comparison(results: Sequence[RunResult]) -> Figure:
    """Energy against number of weights (left) and against MACs (right), one point per
    network and hardware config (a colour per config): fewer weights does not mean less
    energy. Names are placed so that none overlaps another (leader lines where moved)."""
    pts = network_points(results)
    hws = list(dict.fromkeys(r.hardware for r in results))
    colors = {h: HARDWARE_COLORS[i % len(HARDWARE_COLORS)] for i, h in enumerate(hws)}
    fig = Figure(figsize=(12, 5.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    for ax, attr, label in ((ax1, "weights", "weights"), (ax2, "macs", "MACs")):
        xs = [getattr(p, attr) for p in pts]
        ys = [p.energy for p in pts]
        sc = ax.scatter(xs, ys, s=40, c=[colors[r.hardware] for r in results], zorder=3)
        sc.set_gid(attr)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        lo, hi = min(xs), max(xs)
        ax.set_xlim(lo / 2.5, hi * 2.5)
        ax.set_ylim(0, max(ys) * 1.2)
        ax.set_xlabel(f"{label} (batch {results[0].batch})" if attr == "macs" else "weights")
        ax.grid(which="both", alpha=0.2)
    r0 = results[0]
    _scale_axis(ax1, "energy", r0.energy_unit, max(p.energy for p in pts))
    if len(hws) > 1:
        from matplotlib.lines import Line2D

        ax2.legend(handles=[Line2D([], [], marker="o", linestyle="", color=colors[h], label=h) for h in hws],
                   fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.005, 1.0), title="hardware")
    names = [p.name if len(hws) == 1 else f"{p.name} ({r.hardware})" for p, r in zip(pts, results)]
    for ax, attr in ((ax1, "weights"), (ax2, "macs")):
        place_labels(fig, ax, [getattr(p, attr) for p in pts], [p.energy for p in pts], names)
    dfs = sorted({r.dataflow for r in results})
    fig.suptitle(f"Energy vs weights and vs MACs — {len(pts)} runs on {', '.join(hws)}, dataflow {', '.join(dfs)}\n"
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
    many = len(result.layers) > MAX_BARS
    figs = {"energy_top": energy_top(result)} if many else {"energy_layers": energy_breakdown(result, group=False)}
    if many or len(D.group_layers(result.layers)) < len(result.layers):
        figs["energy_blocks"] = energy_breakdown(result, group=True)
    figs["energy_totals"] = energy_totals(result)
    figs["latency"] = latency(result, group=True if many else False)
    if D.roofline_points(result):
        figs["roofline"] = roofline(result)
    if result.compression is not None:
        from .compression import compression_figure

        figs["compression"] = compression_figure(result.to_dict())
    return figs


