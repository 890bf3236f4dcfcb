"""A compressed run next to its dense twin: the terminal tables and the figure.

Both read only a result's JSON-ready dict (``RunResult.to_dict()``), so they work from a
saved ``result.json`` as well as from a run.
"""
from __future__ import annotations

import math
import textwrap
from typing import Any

from ..console import si as _si
from ..result import DTYPES, ENERGY_LEVELS, LEVELS

TOP_LAYERS = 12


def _ratio(c: float, d: float) -> str:
    return f"{c / d:.2f}×" if d else "-"


def _bytes(acc: dict[str, Any], lv: str, t: str | None = None) -> float:
    types = [t] if t else list(DTYPES)
    return math.fsum(acc[lv][x].get("bytes", 0.0) for x in types)


def summary_rows(data: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(what, dense, compressed) for the network: MACs, cycles, energy by level and type,
    bytes moved per level (payload + metadata)."""
    t = data["totals"]
    d = t["dense"]
    done = t["macs"] - t["macs_gated"] - t["macs_skipped"]
    rows: list[tuple[str, float, float]] = [
        ("MACs done (energy spent)", d["macs"], done),
        ("  effectual (both operands non-zero)", d["macs"], t["macs_effectual"]),
        ("  gated (cycle spent, no energy)", 0, t["macs_gated"]),
        ("  skipped (no cycle, no energy)", 0, t["macs_skipped"]),
        ("cycles", d["cycles"], t["cycles"]),
        ("  stall cycles", d["stall_cycles"], t["stall_cycles"]),
    ]
    rows += [(f"bytes at {lv}", _bytes(d["accesses"], lv), _bytes(t["accesses"], lv)) for lv in LEVELS]
    rows += [(f"energy {k}", d["energy"][k], t["energy"][k]) for k in ENERGY_LEVELS]
    rows += [(f"energy {ty}", d["energy_by_type"][ty], t["energy_by_type"][ty]) for ty in DTYPES]
    rows.append(("energy, total", d["energy_total"], t["energy_total"]))
    return rows


def top_mac_layers(data: dict[str, Any], top: int) -> tuple[list[dict[str, Any]], int]:
    """The conv/fc layers with the most dense energy (at most ``top``), in network order,
    and how many conv/fc layers were left out."""
    mac_layers = [l for l in data["layers"] if l["macs"]]
    names = {l["name"] for l in sorted(mac_layers, key=lambda l: -l["dense"]["energy_total"])[:top]}
    kept = [l for l in mac_layers if l["name"] in names]
    return kept, len(mac_layers) - len(kept)


def layer_rows(data: dict[str, Any], top: int = TOP_LAYERS) -> tuple[list[tuple[str, float, float, float, float]], int]:
    """(layer, dense energy, compressed energy, effectual share, bytes at DRAM ratio) for the
    conv/fc layers with the most dense energy, in network order; and how many were left out."""
    kept, left = top_mac_layers(data, top)
    rows = []
    for l in kept:
        e = math.fsum(l["energy"].values())
        dram_d, dram_c = _bytes(l["dense"]["accesses"], "DRAM"), _bytes(l["accesses"], "DRAM")
        rows.append((l["name"], l["dense"]["energy_total"], e, l["macs_effectual"] / l["macs"], dram_c / dram_d if dram_d else 1.0))
    return rows, left


def other_row(data: dict[str, Any]) -> tuple[str, float, float, float] | None:
    """(label, dense energy, compressed energy, bytes at DRAM ratio) of the non-MAC layers
    together (pools, adds, concats, activations: their feature maps move compressed too,
    docs/engine.md §9.2), or None if the run has none that spend energy."""
    simd = [l for l in data["layers"] if not l["macs"] and l["dense"]["energy_total"]]
    if not simd:
        return None
    d = math.fsum(l["dense"]["energy_total"] for l in simd)
    c = math.fsum(math.fsum(l["energy"].values()) for l in simd)
    dram_d = math.fsum(_bytes(l["dense"]["accesses"], "DRAM") for l in simd)
    dram_c = math.fsum(_bytes(l["accesses"], "DRAM") for l in simd)
    return f"{len(simd)} non-MAC layers", d, c, dram_c / dram_d if dram_d else 1.0


def print_compression(data: dict[str, Any], console: Any) -> None:
    """The side-by-side tables of a compressed run (``accelsim run --compress``), as plain
    grids that print whole (terminal/grid.py), energies in the run's readable units."""
    from ..terminal.grid import grid
    from ..terminal.units import EnergyFormat

    comp = data["compression"]
    fmt = EnergyFormat(data["energy_unit"])
    how = (f"exact counts of real 0/1 masks (mask files, else drawn from seed {comp.get('seed', 0)})"
           if comp.get("mode") == "exact" else "expected values for zeros spread uniformly at random")
    out = ["", f"dense and compressed ({comp['name']})", f"  {how}; bytes include metadata",
           f"  {fmt.header}"]
    rows = []
    for what, d, c in summary_rows(data):
        show = fmt if what.startswith("energy") else _si
        rows.append((what, show(d), show(c), _ratio(c, d) if d else "-"))
    out += grid(("", "dense", "compressed", "compressed / dense"), rows)
    layers, left = layer_rows(data)
    out += ["", "conv/fc layers with the most dense energy" + (f" (top {len(layers)})" if left else "")]
    table = [(name, fmt(d), fmt(c), f"{1 - c / d:.0%}" if d else "-", f"{eff:.0%}", f"{dram:.2f}×")
             for name, d, c, eff, dram in layers]
    other = other_row(data)
    if other is not None:  # the SIMD layers together, after the conv/fc rows
        name, d, c, dram = other
        table.append((name, fmt(d), fmt(c), f"{1 - c / d:.0%}" if d else "-", "-", f"{dram:.2f}×"))
    out += grid(("layer", "energy dense", "compressed", "saved", "effectual MACs", "DRAM bytes"), table)
    hw = comp.get("hardware", {})
    zeros = hw.get("zeros", {})
    formats = ", ".join(f"{lv} {t}: {f['kind']}" for lv, types in hw.get("formats", {}).items() for t, f in types.items()) or "all dense"
    out += ["", f"compression: {comp['name']}", *([f"  source: {comp['source']}"] if comp.get("source") else []),
            f"hardware: formats {formats}; zeros {zeros.get('handling', 'none')}"
            + (f" on {', '.join(zeros.get('operands', []))}" if zeros.get("handling", "none") != "none" else "")
            + (f"; {left} more conv/fc layers in --json" if left else "") + " (rules: docs/engine.md §9)"]
    width = max(80, console.width)
    for line in out:  # the grids fit; prose (sources, notes) is wrapped to the terminal, indented
        for part in textwrap.wrap(line, width, subsequent_indent="    ", break_on_hyphens=False) if len(line) > width else [line]:
            console.print(part, highlight=False, soft_wrap=True)


def compression_figure(data: dict[str, Any]):
    """Energy by data type, dense next to compressed: per conv/fc layer (most energy first,
    at most 20) and for the whole network — where pruning's savings go, and where not."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from .figures import _scale_axis
    from .style import DTYPE_COLORS

    mac_layers, _ = top_mac_layers(data, 20)
    fig = Figure(figsize=(max(8.0, 0.7 * len(mac_layers) + 4), 5.2), layout="constrained")
    ax, tot = fig.subplots(1, 2, width_ratios=[max(1, len(mac_layers)), 2.2])
    width = 0.38
    kinds = [t for t in DTYPES] + ["compute"]

    def parts(x: dict[str, Any]) -> dict[str, float]:
        p = {t: x["energy_by_type"].get(t, 0.0) for t in DTYPES}
        p["compute"] = x["energy"].get("MAC", 0.0) + x["energy"].get("SIMD", 0.0)
        return p

    for axis, items, labels in ((ax, mac_layers, [l["name"] for l in mac_layers]), (tot, [data["totals"]], ["network"])):
        for i, item in enumerate(items):
            for j, (obj, hatch) in enumerate(((item["dense"], ""), (item, "//"))):
                bottom = 0.0
                for kind in kinds:
                    v = parts(obj)[kind]
                    axis.bar(i + (j - 0.5) * width, v, width, bottom=bottom, color=DTYPE_COLORS[kind], hatch=hatch,
                             edgecolor="white", linewidth=0.5, label=kind if (i == 0 and j == 0 and axis is ax) else None)
                    bottom += v
            e_d, e_c = sum(parts(item["dense"]).values()), sum(parts(item).values())
            if e_d:
                axis.annotate(f"−{1 - e_c / e_d:.0%}", (i + 0.5 * width, e_c), textcoords="offset points", xytext=(0, 3),
                              ha="center", fontsize=7)
        axis.set_xticks(range(len(items)), labels, rotation=60 if axis is ax else 0, ha="right" if axis is ax else "center", fontsize=8)
        top = max((sum(parts(o).values()) for it in items for o in (it["dense"], it)), default=1.0)
        _scale_axis(axis, "energy", data["energy_unit"], top)
    ax.set_title("per conv/fc layer: left bar dense, right (hatched) compressed, with the share of energy saved", fontsize=9)
    tot.set_title("whole network", fontsize=9)
    ax.legend(title="data type", fontsize=8, loc="upper right")
    fig.suptitle(f"{data['workload']} on {data['hardware']} ({data['dataflow']}): dense vs {data['compression']['name']}", fontsize=11)
    return fig
