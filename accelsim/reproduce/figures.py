"""The figures of ``accelsim reproduce`` (PNGs), in the colours of :mod:`accelsim.report`
and written as it writes its own (rendered in memory, each file atomically); the
comparison of networks is the report's own figure."""
from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from ..report.output import render, write_files
from ..report.style import LEVEL_COLORS as COLORS

LEVELS = ("MAC", "RF", "NoC", "GLB", "DRAM")


def _save(fig: Figure, path: Path) -> str:
    write_files(path.parent, {path.name: render(fig, "png")})
    return path.name


def googlenet_breakdown(out: Path) -> str:
    """GoogLeNet on eyeriss: energy per conv layer, stacked by level, and the total split."""
    from .runs import mapped

    r = mapped("googlenet", "eyeriss")
    conv = [l for l in r.layers if l.macs]
    fig = Figure(figsize=(13, 4.2), layout="constrained")
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [4, 1]})
    bottom = [0.0] * len(conv)
    for k in LEVELS:
        vals = [l.energy.get(k, 0.0) for l in conv]
        ax.bar(range(len(conv)), vals, bottom=bottom, color=COLORS[k], label=k, width=0.85)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xlabel(f"conv/fc layers of GoogLeNet, in order ({len(conv)})")
    ax.set_ylabel(f"energy ({r.energy_unit})")
    ax.set_title("GoogLeNet on Eyeriss (RS, batch 1): energy per layer by level")
    ax.legend(ncol=5, fontsize=8)
    t = r.totals()
    vals = [t["energy"][k] for k in LEVELS]
    wedges, _ = ax2.pie(vals, colors=[COLORS[k] for k in LEVELS], startangle=90)
    ax2.legend(wedges, [f"{k} {v / sum(vals):.0%}" for k, v in zip(LEVELS, vals)], loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=2, fontsize=8)
    ax2.set_title(f"moving data: {t['data_movement_share']:.0%}")
    return _save(fig, out / "googlenet_breakdown.png")


def dataflows(out: Path) -> str:
    from .dataflows import DATAFLOWS, totals

    t = totals()
    fig = Figure(figsize=(6.5, 4), layout="constrained")
    ax = fig.subplots()
    bottom = [0.0] * len(DATAFLOWS)
    for k in LEVELS:
        vals = [t[d][f"E_{k}"] for d in DATAFLOWS]
        ax.bar([d.upper() for d in DATAFLOWS], vals, bottom=bottom, color=COLORS[k], label=k)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_ylabel("energy per MAC (normalized to a MAC)")
    ax.set_title("AlexNet CONV, 256 PEs, same storage (ISCA'16 setup)")
    ax.legend(fontsize=8)
    return _save(fig, out / "dataflows.png")


def weights_vs_energy(out: Path) -> str:
    from ..report.figures import network_comparison
    from .runs import mapped
    from .weights_energy import NETWORKS

    return _save(network_comparison([mapped(n, "eyeriss") for n in NETWORKS]), out / "weights_vs_energy.png")


def eyeriss_layers(out: Path) -> str:
    from .eyeriss import eyeriss_runs, published
    from .runs import conv_layers

    pub = published()
    r, rz = eyeriss_runs()
    names = [l.name for l in conv_layers(r)]
    mb = lambda l, lv: l.level_accesses(lv) * pub["word_bytes"] / 1e6  # noqa: E731
    fig = Figure(figsize=(11, 3.8), layout="constrained")
    a1, a2 = fig.subplots(1, 2)
    x = range(len(names))
    w = 0.27
    a1.bar([i - w for i in x], [pub["layers"][n]["dram_MB"] for n in names], w, label="JSSC'17 Table V")
    a1.bar(list(x), [mb(l, "DRAM") for l in conv_layers(r)], w, label="accelsim")
    a1.bar([i + w for i in x], [mb(l, "DRAM") for l in conv_layers(rz)], w, label="accelsim + RLC")
    a1.set_xticks(list(x), names)
    a1.set_ylabel("DRAM accesses (MB)")
    a1.legend(fontsize=8)
    a2.bar([i - w / 2 for i in x], [pub["layers"][n]["glb_MB"] for n in names], w, label="JSSC'17 Table V")
    a2.bar([i + w / 2 for i in x], [mb(l, "GLB") for l in conv_layers(r)], w, label="accelsim")
    a2.set_xticks(list(x), names)
    a2.set_ylabel("GLB accesses (MB)")
    a2.legend(fontsize=8)
    fig.suptitle("Eyeriss, AlexNet CONV layers, batch 4")
    return _save(fig, out / "eyeriss_table5.png")


FIGURES = {"eyeriss": eyeriss_layers, "dataflows": dataflows, "googlenet-breakdown": googlenet_breakdown,
           "weights-vs-energy": weights_vs_energy}


def write_figures(sections: list, out: str | Path) -> dict[str, str]:
    """The figures of the sections given, as PNGs in ``out``; section name -> file name."""
    out = Path(out)
    return {s.name: FIGURES[s.name](out) for s in sections if s.name in FIGURES}
