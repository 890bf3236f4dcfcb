"""``report.html``: one self-contained page — summary, tables, figures, mappings.

The figures are embedded as ``data:`` URIs and the style is inline: the page needs no
network and no other file, and has no script.
"""
from __future__ import annotations

import base64
from collections.abc import Mapping
from html import escape

from ..console import si
from ..result import DTYPES, LEVELS, MultiResult, RunResult
from .style import STACK_LEVELS

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em} h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:12px;margin:.5em 0}
th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th{background:#f4f4f4;position:sticky;top:0} td.l,th.l{text-align:left}
tr.hot td{background:#fde8e8;font-weight:600} tfoot td{font-weight:700;border-top:2px solid #999}
figure{margin:1.5em 0} figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:12px;color:#555} figure.wide{overflow-x:auto} figure.wide img{max-width:none} .scroll{overflow-x:auto;max-height:40em;overflow-y:auto}
details{margin:.3em 0} code{font-size:11px}
"""


def _row(cells: list[str], cls: str = "", left: int = 2, tag: str = "td") -> str:
    out = "".join(f'<{tag} class="l">{c}</{tag}>' if i < left else f"<{tag}>{c}</{tag}>" for i, c in enumerate(cells))
    return f'<tr class="{cls}">{out}</tr>' if cls else f"<tr>{out}</tr>"


def _summary(r: RunResult) -> str:
    t = r.totals()
    dram = sum(v["reads"] + v["writes"] for v in t["accesses"]["DRAM"].values())
    items = [
        ("MACs", f"{t['macs']:,}"),
        ("cycles", f"{t['cycles']:,} ({t['stall_cycles']:,} stalls); {t['seconds'] * 1e3:.4g} ms at {r.clock_mhz:g} MHz"),
        ("PE utilization", f"{t['utilization']:.1%} of {r.pes} PEs"),
        ("energy", f"{t['energy_total']:.6g} {escape(r.energy_unit)}"),
        ("energy per MAC", f"{t['energy_total'] / t['macs']:.4g}" if t["macs"] else "-"),
        ("moving data", f"{t['data_movement_share']:.1%} of the energy (RF + NoC + GLB + DRAM)"),
        ("energy by level", ", ".join(f"{k} {t['energy'][k] / t['energy_total']:.1%}" for k in STACK_LEVELS if t["energy_total"])),
        ("energy by data type", ", ".join(f"{k} {t['energy_by_type'][k] / t['energy_total']:.1%}" for k in DTYPES if t["energy_total"])),
        ("DRAM accesses", f"{dram:,} elements"),
        ("weights", f"{r.weights:,}"),
        ("batch, objective", f"{r.batch}, {escape(r.objective)}"),
    ]
    rows = "".join(f'<tr><th class="l">{k}</th><td class="l">{v}</td></tr>' for k, v in items)
    return f"<table>{rows}</table>"


def _layers_table(r: RunResult) -> str:
    t = r.totals()
    head = ["layer", "type", "MACs", "cycles", "stalls", "util"] + [f"{lv} acc" for lv in LEVELS]
    head += [f"E {k}" for k in STACK_LEVELS] + ["energy", "moving"]
    energies = sorted((l.total_energy for l in r.layers), reverse=True)
    hot = energies[min(4, len(energies) - 1)] if energies else 0.0
    body = []
    for l in r.layers:
        cells = [escape(l.name), escape(l.type), si(l.macs), si(l.cycles), si(l.stall_cycles),
                 f"{l.utilization:.0%}" if l.macs else "-"]
        cells += [si(l.level_accesses(lv)) for lv in LEVELS]
        cells += [si(l.energy.get(k, 0.0)) for k in STACK_LEVELS]
        cells += [si(l.total_energy), f"{l.data_movement_share:.0%}" if l.total_energy else "-"]
        body.append(_row(cells, "hot" if hot > 0 and l.total_energy >= hot else ""))
    foot = ["total", "", si(t["macs"]), si(t["cycles"]), si(t["stall_cycles"]), f"{t['utilization']:.0%}"]
    foot += [si(sum(v["reads"] + v["writes"] for v in t["accesses"][lv].values())) for lv in LEVELS]
    foot += [si(t["energy"][k]) for k in STACK_LEVELS] + [si(t["energy_total"]), f"{t['data_movement_share']:.0%}"]
    return (f'<div class="scroll"><table><thead>{_row(head, tag="th")}</thead><tbody>{"".join(body)}</tbody>'
            f"<tfoot>{_row(foot)}</tfoot></table></div>"
            f"<p>Energy in {escape(r.energy_unit)}; the five most energy-hungry layers are highlighted.</p>")


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


def _png_width(png: bytes) -> int:
    """Pixel width from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big") if png[12:16] == b"IHDR" else 0


def _figure(stem: str, png: bytes) -> str:
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    # Figures of 100+ layers keep their size and scroll sideways instead of shrinking.
    wide = ' class="wide"' if _png_width(png) > 1400 else ""
    return (f'<figure id="fig-{escape(stem)}"{wide}><img class="figure" alt="{escape(stem)}" src="{src}">'
            f"<figcaption>{escape(stem)}</figcaption></figure>")


def report_html(result: RunResult | MultiResult, pngs: Mapping[str, bytes]) -> str:
    """The page for a result, with the figures given as ``{stem: PNG bytes}``."""
    runs = result.runs if isinstance(result, MultiResult) else (result,)
    r0 = runs[0]
    dfs = ", ".join(r.dataflow for r in runs)
    title = f"{r0.workload} on {r0.hardware} — dataflow {dfs}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>accelsim: {escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>accelsim: {escape(title)}</h1>",
        f"<p>accelsim {escape(r0.version)}; energy unit: {escape(r0.energy_unit)}.</p>",
    ]
    for r in runs:
        parts.append(f"<h2>Summary — dataflow {escape(r.dataflow)}</h2>{_summary(r)}")
    parts.append("<h2>Figures</h2>")
    parts += [_figure(stem, png) for stem, png in pngs.items()]
    for r in runs:
        sfx = f" — dataflow {escape(r.dataflow)}"
        parts.append(f"<h2>Layers{sfx}</h2>{_layers_table(r)}")
        parts.append(f"<h2>Mapping of each layer{sfx}</h2>{_mappings(r)}")
    parts.append("</body></html>\n")
    return "\n".join(parts)
