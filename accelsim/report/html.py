"""``report.html``: one self-contained page — summary, why data movement dominates (the
counts × cost arithmetic of the biggest layer), the figures with captions that say how to
read them, the energy table used (each cost, its unit, its source), the per-layer table
and the chosen mapping of each layer.

The figures are embedded as ``data:`` URIs and the style is inline: the page needs no
network and no other file, and has no script. Everything fits a 1400-pixel window without
horizontal scrolling.
"""
from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from html import escape

from ..console import si
from ..result import DTYPES, LEVELS, MultiResult, RunResult
from ..terminal.rows import Row, fold
from ..terminal.run_view import hot_ranks
from ..terminal.units import EnergyFormat
from .captions import caption
from .style import STACK_LEVELS

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em auto;max-width:1340px;color:#222;padding:0 1em;line-height:1.4}
h1{font-size:1.5em} h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:12px;margin:.5em 0}
th,td{padding:2px 7px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th{background:#f4f4f4;position:sticky;top:0} td.l,th.l{text-align:left}
td.wrap{white-space:normal;text-align:left;max-width:60em}
tr.hot td{background:#fde8e8;font-weight:600} tfoot td{font-weight:700;border-top:2px solid #999}
figure{margin:1.5em 0} figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:13px;color:#333;max-width:60em} figcaption b{display:block;font-size:14px;margin-bottom:.2em}
.scroll{max-height:45em;overflow-y:auto} p.note{font-size:13px;color:#444;max-width:60em}
details{margin:.3em 0} code{font-size:11px}
"""


def _row(cells: list[str], cls: str = "", left: int = 2, tag: str = "td") -> str:
    out = "".join(f'<{tag} class="l">{c}</{tag}>' if i < left else f"<{tag}>{c}</{tag}>" for i, c in enumerate(cells))
    return f'<tr class="{cls}">{out}</tr>' if cls else f"<tr>{out}</tr>"


def _summary(r: RunResult, fmt: EnergyFormat) -> str:
    t = r.totals()
    dram = sum(v["reads"] + v["writes"] for v in t["accesses"]["DRAM"].values())
    total = t["energy_total"]
    items = [
        ("energy", f"{fmt.with_unit(total)} ({total:.6g} {escape(r.energy_unit)})"),
        ("moving data", f"{t['data_movement_share']:.1%} of the energy (RF + NoC + GLB + DRAM)"),
        ("energy by level", ", ".join(f"{k} {t['energy'][k] / total:.1%}" for k in STACK_LEVELS if total)),
        ("energy by data type", ", ".join(f"{k} {t['energy_by_type'][k] / total:.1%}" for k in DTYPES if total)),
        ("energy per MAC", fmt.with_unit(total / t["macs"]) if t["macs"] else "-"),
        ("MACs", f"{t['macs']:,}"),
        ("cycles", f"{t['cycles']:,} ({t['stall_cycles']:,} stalls); {t['seconds'] * 1e3:.4g} ms at {r.clock_mhz:g} MHz"),
        ("PE utilization", f"{t['utilization']:.1%} of {r.pes} PEs"),
        ("DRAM accesses", f"{dram:,} elements"),
        ("weights", f"{r.weights:,}"),
        ("batch, objective", f"{r.batch}, {escape(r.objective)}"),
    ]
    rows = "".join(f'<tr><th class="l">{k}</th><td class="l">{v}</td></tr>' for k, v in items)
    return f"<table>{rows}</table>"


def _why(r: RunResult, fmt: EnergyFormat) -> str:
    """The biggest layer's energy as counts × cost per level: why data movement dominates."""
    mac_layers = [l for l in r.layers if l.macs]
    if not mac_layers:
        return ""
    l = max(mac_layers, key=lambda x: x.total_energy)
    total = l.total_energy
    rows = []
    lines = [("MAC", l.macs, l.energy.get("MAC", 0.0))] + [(lv, l.level_accesses(lv), l.energy.get(lv, 0.0)) for lv in reversed(LEVELS)]
    for name, count, e in lines:
        cost = e / count if count else 0.0
        what = "MACs" if name == "MAC" else "accesses"
        rows.append(_row([name, f"{count:,} {what}", f"{count / l.macs:.3g}", f"{cost:.4g}", f"{e:.6g}", f"{e / total:.1%}"
                          if total else "-"], left=1))
    rf = l.level_accesses("RF") / l.macs

    def per_access(lv: str) -> float:
        n = l.macs if lv == "MAC" else l.level_accesses(lv)
        return l.energy.get(lv, 0.0) / n if n else 0.0

    mac_cost = per_access("MAC") or 1.0
    moving = math.fsum(l.energy.get(k, 0.0) for k in LEVELS)
    head = _row(["level", "count", "per MAC", f"cost each [{escape(r.energy_unit)}]", f"energy [{escape(r.energy_unit)}]",
                 "share"], tag="th", left=1)
    return (f"<p class='note'>The layer that spends the most, <b>{escape(l.name)}</b> ({l.macs:,} MACs), as counts × cost "
            "per level: each MAC costs one MAC's energy, but each MAC also makes the accesses below, and every "
            "access has a price (the energy table). Energy = count × cost each; the cost each is the level's energy "
            "over its count (the table's entry where all data types cost the same).</p>"
            f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p class='note'>Data movement (RF + NoC + GLB + DRAM) is {moving / total:.0%} of this layer's energy. "
            f"The RF is data movement: each MAC reads its weight, its input and its partial sum from the PE's "
            f"register file and writes the partial sum back — {rf:.2g} RF accesses per MAC here, each "
            f"{per_access('RF') / mac_cost:.2g}× a MAC's energy, so the RF {'alone outspends' if l.energy.get('RF', 0) > l.energy.get('MAC', 0) else 'adds to'} "
            f"the arithmetic. DRAM is rare per MAC ({l.level_accesses('DRAM') / l.macs:.2g} accesses) but each costs "
            f"{per_access('DRAM') / mac_cost:.3g}× a MAC. Total {fmt.with_unit(total)}.</p>")


def _energy_table(r: RunResult) -> str:
    t = r.energy_table
    if not t:
        return "<p class='note'>This result does not say which energy table it used (it predates accelsim 0.1's provenance keys).</p>"
    head = _row(["action", "cost", "unit", "source"], tag="th", left=1)
    body = "".join(f"<tr><td class='l'><code>{escape(a)}</code></td><td>{c:.4g}</td><td class='l'>{escape(t.get('unit', ''))}"
                   f"</td><td class='wrap'>{escape(t.get('sources', {}).get(a, ''))}</td></tr>"
                   for a, c in t.get("costs", {}).items())
    src = escape(r.hardware_source) if r.hardware_source else "not stated"
    return (f"<p class='note'>Energy table <b>{escape(t.get('table', ''))}</b>, unit {escape(t.get('unit', ''))}: the cost "
            "of one action (per element; <code>x.dtype</code> refines <code>x</code> for one data type). Hardware "
            f"config {escape(r.hardware)}: {src}. Tags: [R] read in the source, [M] as commonly quoted, [I] inferred.</p>"
            f"<table><thead>{head}</thead><tbody>{body}</tbody></table>")


def _layers_table(r: RunResult, fmt: EnergyFormat) -> str:
    t = r.totals()
    total = t["energy_total"]
    rows: list[Row] = fold(r.layers, r.pes)
    ranks = hot_ranks(rows)
    levels = [k for k in STACK_LEVELS if k != "SIMD" or t["energy"].get("SIMD", 0.0)]
    head = ["layer", "type", "MACs", "cycles", "util"] + [f"E {k}" for k in levels] + ["energy", "share", "moving"]
    body = []
    for i, w in enumerate(rows):
        cells = [escape(w.name), escape(w.type), si(w.macs), si(w.cycles), f"{w.utilization:.0%}" if w.macs else "-"]
        cells += [fmt(w.energy(k)) for k in levels]
        cells += [fmt(w.total_energy), f"{w.total_energy / total:.1%}" if total else "-",
                  f"{w.data_movement_share:.0%}" if w.total_energy else "-"]
        body.append(_row(cells, "hot" if i in ranks else ""))
    foot = ["total", "", si(t["macs"]), si(t["cycles"]), f"{t['utilization']:.0%}"]
    foot += [fmt(t["energy"][k]) for k in levels] + [fmt(total), "100%", f"{t['data_movement_share']:.0%}"]
    folded = len(rows) < len(r.layers)
    return (f"<p class='note'>{escape(fmt.header).capitalize()}. Highlighted: the {len(ranks)} layers that spend the most "
            "energy. share = the layer's share of the network's energy; moving = the share of its energy spent moving "
            "data (RF + NoC + GLB + DRAM); util = MACs / (PEs × cycles)."
            + (" Batch norms and activations fused into a conv are folded into its row (type conv+bn+act); "
               "result.json and layers.csv have every layer." if folded else "") + "</p>"
            f'<div class="scroll"><table><thead>{_row(head, tag="th")}</thead><tbody>{"".join(body)}</tbody>'
            f"<tfoot>{_row(foot)}</tfoot></table></div>")


def _mappings(r: RunResult) -> str:
    out = []
    for l in r.layers:
        if not l.macs:
            continue
        items = "".join(f"<tr><th class='l'>{escape(k)}</th><td class='l'><code>{escape(v)}</code></td></tr>"
                        for k, v in l.mapping.items())
        out.append(f"<details><summary>{escape(l.name)} — {escape(l.type)}, {l.macs:,} MACs</summary>"
                   f"<table>{items}</table></details>")
    return "".join(out)


def _figure(stem: str, png: bytes, r: RunResult | None = None, captioned: tuple[str, str] | None = None) -> str:
    """A figure embedded as a data URI with its caption: the run's (``r``) or the caller's
    own ``(title, text)``."""
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    title, text = captioned if captioned is not None else caption(stem, r)
    return (f'<figure id="fig-{escape(stem)}"><img class="figure" alt="{escape(title)}" src="{src}">'
            f"<figcaption><b>{escape(title)}</b>{escape(text)}</figcaption></figure>")


def report_html(result: RunResult | MultiResult, pngs: Mapping[str, bytes]) -> str:
    """The page for a result, with the figures given as ``{stem: PNG bytes}``."""
    runs = result.runs if isinstance(result, MultiResult) else (result,)
    r0 = runs[0]
    best = min(runs, key=lambda r: r.totals()["energy_total"])
    fmt = EnergyFormat(r0.energy_unit)
    dfs = ", ".join(r.dataflow for r in runs)
    title = f"{r0.workload} on {r0.hardware} — dataflow {dfs}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>accelsim: {escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>accelsim: {escape(title)}</h1>",
        f"<p class='note'>accelsim {escape(r0.version)}; {escape(fmt.header)} (the table's unit: "
        f"{escape(r0.energy_unit)}); hardware: {escape(r0.hardware_source or r0.hardware)}.</p>",
    ]
    for r in runs:
        parts.append(f"<h2>Summary — dataflow {escape(r.dataflow)}</h2>{_summary(r, fmt)}")
    parts.append(f"<h2>Why data movement dominates — dataflow {escape(best.dataflow)}</h2>{_why(best, fmt)}")
    parts.append("<h2>Figures</h2>")
    parts += [_figure(stem, png, best) for stem, png in pngs.items()]
    parts.append(f"<h2>Energy table</h2>{_energy_table(r0)}")
    for r in runs:
        sfx = f" — dataflow {escape(r.dataflow)}"
        parts.append(f"<h2>Layers{sfx}</h2>{_layers_table(r, fmt)}")
        parts.append(f"<h2>Mapping of each layer{sfx}</h2>{_mappings(r)}")
    parts.append("</body></html>\n")
    return "\n".join(parts)
