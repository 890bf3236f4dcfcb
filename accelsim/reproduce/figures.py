"""The figures of ``accelsim reproduce`` (plain matplotlib, Agg; PNGs)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LEVELS = ("MAC", "RF", "NoC", "GLB", "DRAM")
COLORS = {"MAC": "#4c72b0", "RF": "#55a868", "NoC": "#c44e52", "GLB": "#8172b2", "DRAM": "#ccb974"}


def _save(fig, path: Path) -> str:
    import os  # the PNG is written whole: savefig to a temporary file, then rename
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".png")
    os.close(fd)
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path.name


def googlenet_breakdown(out: Path) -> str:
    """GoogLeNet on eyeriss: energy per conv layer, stacked by level, and the total split."""
    from .runs import mapped

    r = mapped("googlenet", "eyeriss")
    conv = [l for l in r.layers if l.macs]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": [4, 1]})
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
    fig, ax = plt.subplots(figsize=(6.5, 4))
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
    from .weights_energy import figures_for

    f = figures_for()
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for n, v in f.items():
        ax.scatter(v["weights"] / 1e6, v["energy"] / 1e9, s=30 + v["macs"] / 1e8)
        ax.annotate(n, (v["weights"] / 1e6, v["energy"] / 1e9), fontsize=8, xytext=(4, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("weights (millions)")
    ax.set_ylabel("energy on eyeriss (10⁹ MAC-normalized units)")
    ax.set_title("Fewer weights ≠ less energy (marker size: MACs)")
    return _save(fig, out / "weights_vs_energy.png")


def eyeriss_layers(out: Path) -> str:
    from .eyeriss import eyeriss_runs, published
    from .runs import conv_layers

    pub = published()
    r, rz = eyeriss_runs()
    names = [l.name for l in conv_layers(r)]
    mb = lambda l, lv: l.level_accesses(lv) * pub["word_bytes"] / 1e6  # noqa: E731
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.8))
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
