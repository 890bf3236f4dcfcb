"""``accelsim run``'s terminal output: a summary first (totals, energy by level and by data
type, the share spent moving data, the top layers), then a per-layer table whose columns
fit the terminal, with fused batch-norm / activation rows folded into their conv.

Everything here is text built from a :class:`~accelsim.result.RunResult` by pure
functions (``summary_lines``, ``table_lines``); :func:`print_run` prints them. Rows are
formatted by hand, not by rich's table layout: the widths are known before printing, so
a column is either shown whole or left out — a layer name is never cut — and the cost is
linear in the number of layers.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from ..result import DTYPES, ENERGY_LEVELS, LEVELS, RunResult
from .grid import grid, line_width, widths as _widths
from .rows import Row, fold
from .units import EnergyFormat, si

HOT = 5  # rows ranked and bold: the most energy-hungry layers


def _pct(x: float) -> str:
    return f"{x:.0%}"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    cell: Callable[[Row], str]
    total: Callable[[dict], str]
    left: bool = False
    help: str = ""


def columns(r: RunResult, fmt: EnergyFormat) -> dict[str, Column]:
    """Every column the table can show, by key, in display order."""
    total_e = r.totals()["energy_total"]

    def acc(lv: str) -> Column:
        return Column(lv.lower(), f"{lv} acc", lambda w: si(w.accesses(lv)),
                      lambda t: si(sum(v["reads"] + v["writes"] for v in t["accesses"][lv].values())),
                      help=f"{lv} accesses (reads + writes, elements)")

    def energy(lv: str) -> Column:
        return Column(f"e_{lv.lower()}", f"E {lv}", lambda w: fmt(w.energy(lv)), lambda t: fmt(t["energy"][lv]),
                      help=f"energy spent at {lv}")

    cols = [
        Column("top", "top", lambda w: "", lambda t: "", help="rank by energy"),
        Column("layer", "layer", lambda w: w.name, lambda t: "total", left=True),
        Column("type", "type", lambda w: w.type, lambda t: "", left=True),
        Column("macs", "MACs", lambda w: si(w.macs), lambda t: si(t["macs"])),
        Column("cycles", "cycles", lambda w: si(w.cycles), lambda t: si(t["cycles"])),
        Column("stalls", "stalls", lambda w: si(w.stall_cycles), lambda t: si(t["stall_cycles"]), help="stall cycles"),
        Column("util", "util", lambda w: _pct(w.utilization) if w.macs else "-", lambda t: _pct(t["utilization"]),
               help="MACs / (PEs × cycles)"),
        *(acc(lv) for lv in LEVELS),
        *(energy(lv) for lv in ENERGY_LEVELS),
        Column("energy", "energy", lambda w: fmt(w.total_energy), lambda t: fmt(t["energy_total"])),
        Column("share", "share", lambda w: f"{w.total_energy / total_e:.1%}" if total_e else "-", lambda t: "100%",
               help="share of the network's energy"),
        Column("moving", "moving", lambda w: _pct(w.data_movement_share) if w.total_energy else "-",
               lambda t: _pct(t["data_movement_share"]), help="share of the energy spent moving data (RF+NoC+GLB+DRAM)"),
    ]
    return {c.key: c for c in cols}


# what the default table keeps, most wanted first, while it fits the terminal
PRIORITY: tuple[str, ...] = (
    "layer", "top", "type", "energy", "share", "moving", "cycles", "util", "macs", "e_dram", "e_rf", "e_glb",
    "e_noc", "e_mac", "dram", "stalls", "e_simd", "glb", "noc", "rf",
)
WIDE: tuple[str, ...] = tuple(k for k in PRIORITY if k != "share")  # today's full table, and the rank


def _cells(cols: Sequence[Column], rows: Sequence[Row], totals: dict, ranks: dict[int, int]) -> list[list[str]]:
    out = [[c.header for c in cols]]
    for i, w in enumerate(rows):
        out.append([str(ranks[i]) if c.key == "top" and i in ranks else c.cell(w) for c in cols])
    out.append([c.total(totals) for c in cols])
    return out


def choose_columns(r: RunResult, rows: Sequence[Row], width: int, fmt: EnergyFormat,
                   wanted: Sequence[str] | None = None, wide: bool = False) -> list[Column]:
    """The columns to show: ``wanted`` (keys) as given, every column with ``wide``, else
    the most wanted that fit in ``width`` characters (the layer name always)."""
    every = columns(r, fmt)
    if wanted:
        return [every[k] for k in wanted]
    keys = WIDE if wide else PRIORITY
    totals = r.totals()
    ranks = hot_ranks(rows)
    col_w = {k: _widths(_cells([every[k]], rows, totals, ranks))[0] for k in keys}
    chosen: list[str] = []
    for k in keys:
        if wide or not chosen or line_width([col_w[c] for c in chosen + [k]]) <= width:
            chosen.append(k)
    return [c for k, c in every.items() if k in chosen]


def hot_ranks(rows: Sequence[Row]) -> dict[int, int]:
    """{row index: rank} of the HOT rows that spend the most energy (rank 1 = most)."""
    order = sorted((i for i, w in enumerate(rows) if w.total_energy > 0), key=lambda i: -rows[i].total_energy)
    return {i: k + 1 for k, i in enumerate(order[:HOT])}


def table_lines(r: RunResult, rows: Sequence[Row], cols: Sequence[Column], fmt: EnergyFormat) -> list[tuple[str, bool]]:
    """The table as (line, bold) pairs: header, rule, one line per row, rule, totals."""
    ranks = hot_ranks(rows)
    cells = _cells(cols, rows, r.totals(), ranks)
    left = [j for j, c in enumerate(cols) if c.left]
    lines = grid(cells[0], cells[1:-1], left, cells[-1])
    bold = [True, False, *(i in ranks for i in range(len(rows))), False, True]
    return list(zip(lines, bold))


def _grid(label: str, names: Sequence[str], values: Sequence[str], shares: Sequence[str]) -> list[str]:
    w = max(8, *(len(v) + 1 for v in (*names, *values, *shares)))
    pad = " " * len(label)
    return [label + "".join(n.rjust(w) for n in names), pad + "".join(v.rjust(w) for v in values),
            pad + "".join(s.rjust(w) for s in shares)]


def title(r: RunResult) -> str:
    return f"{r.workload} on {r.hardware} — dataflow {r.dataflow}, batch {r.batch}, mapper objective {r.objective or '?'}"


def summary_lines(r: RunResult, rows: Sequence[Row], fmt: EnergyFormat) -> list[str]:
    """Totals, the energy by level and by data type, the share moving data, the top layers."""
    t = r.totals()
    total = t["energy_total"]

    def share(x: float) -> str:
        return f"{x / total:.1%}" if total else "-"

    lines = [title(r), f"  {fmt.header}", ""]
    lines.append(f"  energy   {fmt.with_unit(total)}; {t['data_movement_share']:.1%} of it moving data (RF + NoC + GLB + DRAM)")
    lines.append(f"  work     {si(t['macs'])} MACs and {si(t['ops'])} other operations")
    lines.append(f"  time     {si(t['cycles'])} cycles = {t['seconds'] * 1e3:.3g} ms at {r.clock_mhz:g} MHz, "
                 f"{si(t['stall_cycles'])} of them stalls")
    lines.append(f"  PEs      {t['utilization']:.1%} of the {r.pes} busy on average (MACs / (PEs × cycles))")
    lines.append("")
    lv = [k for k in ENERGY_LEVELS if t["energy"].get(k, 0.0) or k != "SIMD"]
    lines += _grid("  energy by level  ", lv, [fmt(t["energy"][k]) for k in lv], [share(t["energy"][k]) for k in lv])
    by_type = {k: t["energy_by_type"][k] for k in DTYPES}
    by_type["compute"] = t["energy"]["MAC"] + t["energy"].get("SIMD", 0.0)
    lines += _grid("  by data type     ", list(by_type), [fmt(v) for v in by_type.values()],
                   [share(v) for v in by_type.values()])
    lines.append("  (compute = MAC + SIMD; a data type's energy: moving it, at every level)")
    ranks = hot_ranks(rows)
    if ranks:
        lines.append("")
        lines.append(f"  top {len(ranks)} layers by energy, their share, and where most of it goes")
        name_w = max(len(rows[i].name) for i in ranks)
        for i, k in sorted(ranks.items(), key=lambda kv: kv[1]):
            w = rows[i]
            big = max(ENERGY_LEVELS, key=w.energy)
            lines.append(f"  {k:>3}  {w.name.ljust(name_w)}  {fmt(w.total_energy):>9}  {share(w.total_energy):>6}"
                         f"   {big} {w.energy(big) / w.total_energy:.0%}")
    return lines


def legend(cols: Sequence[Column], folded: bool, shown: int, total_rows: int) -> list[str]:
    keys = {c.key for c in cols}
    parts = []
    if "top" in keys:
        parts.append(f"bold rows, ranked in 'top': the {HOT} layers that spend the most energy")
    parts += [f"{c.header} = {c.help}" for c in cols if c.help and c.key != "top"]
    notes = ["  " + "; ".join(parts) + "." if parts else ""]
    more = []
    if folded:
        more.append("batch norm and activations fused into a conv are folded into its row (--layers all: every layer)")
    if shown < total_rows:
        more.append(f"{total_rows - shown} more columns with --wide, or pick with --columns")
    if more:
        notes.append("  " + "; ".join(more) + ".")
    return [n for n in notes if n]


def print_run(r: RunResult, console: Console, layers: str = "folded", wanted: Sequence[str] | None = None,
              wide: bool = False, summary: bool = True) -> None:
    """The summary, then the per-layer table, fitted to ``console.width``."""
    fmt = EnergyFormat(r.energy_unit)
    folded = layers != "all"
    rows = fold(r.layers, r.pes, fold_fused=folded)
    if summary:
        for s in summary_lines(r, rows, fmt):
            console.print(Text(s))
        console.print()
    cols = choose_columns(r, rows, console.width, fmt, wanted, wide)
    console.print(Text(f"per layer — {r.workload} on {r.hardware}, dataflow {r.dataflow}", style="bold"))
    for text, bold in table_lines(r, rows, cols, fmt):
        console.print(Text(text, style="bold" if bold else ""), soft_wrap=True)
    folded_any = folded and len(rows) < len(r.layers)
    for s in legend(cols, folded_any, len(cols), len(columns(r, fmt))):
        console.print(Text(s))
