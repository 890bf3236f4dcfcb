"""A sweep's files in DIR: results.csv (and .parquet), the figures (PNG and SVG) and report.html.

Everything is rendered in memory first and each file written atomically
(:func:`accelsim.report.output.write_files`), so an error leaves nothing half-written.
``report.html`` is one self-contained page (figures as data URIs, no script, no network).
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from .. import __version__
from ..console import si
from ..hardware import hardware_from_dict
from ..report.html import _CSS, _figure, _row
from ..report.output import render_all, write_files
from .analysis import METRIC, best
from .designs import label
from .figures import heat_axes, heatmap, pareto_figure

SWEEP_CAPTIONS: dict[str, tuple[str, str]] = {
    "pareto_energy_latency": ("Energy against latency. ", "One point per design and workload; the line joins the "
                              "designs no other beats on both (the Pareto front), and the labelled points are on it."),
    "pareto_energy_storage": ("Energy against on-chip storage. ", "The same designs by the bytes of RF and GLB they "
                              "hold: how much energy more storage buys."),
    "heatmap": ("A metric over two axes. ", "Each cell is the best run of the designs with those two axis values; "
                "darker is more."),
}
from .runner import SweepResult
from .table import columns, to_csv, to_parquet

FAILED_SHOWN = 20


def _unit(res: SweepResult) -> str:
    return next((r["energy_unit"] for r in res.rows if not r.get("error")), "")


def best_table(res: SweepResult, wide: bool = True) -> tuple[list[str], list[list[str]]]:
    """The best design per workload: a header and rows of cells. ``wide`` (the page): one
    column per axis, EDP and PE utilization too; else (the terminal) the design's values in
    one column, so that the table fits 80 columns."""
    axes = [a.path for a in res.spec.axes]
    batch = len(res.spec.batches) > 1
    head = ["workload", "design", *(axes if wide else []), "dataflow", *(["batch"] if batch else []),
            "energy", "latency [ms]", *(["EDP [energy·s]", "PE util"] if wide else []),
            "on-chip [KiB]"]
    rows = []
    for w, r in best(res.rows, res.spec.objective).items():
        design = f"#{r['design']}" if wide else f"#{r['design']} {label(res.spec, tuple(r[a] for a in axes))}"
        rows.append([w, design, *((str(r[a]) for a in axes) if wide else []), r["dataflow"],
                     *([str(r["batch"])] if batch else []), si(r["energy"]), f"{r['latency_s'] * 1e3:.4g}",
                     *([si(r["edp"]), f"{r['utilization']:.0%}"] if wide else []), f"{r['onchip_bytes'] / 1024:,.1f}"])
    return head, rows


def figures(res: SweepResult) -> dict[str, Any]:
    labels = {d.index: d.label for d in res.designs}
    figs = {
        "pareto_energy_latency": pareto_figure(res.spec, res.rows, "latency_s", labels),
        "pareto_energy_storage": pareto_figure(res.spec, res.rows, "onchip_bytes", labels),
        "heatmap": heatmap(res.spec, res.rows, METRIC[res.spec.objective]),
    }
    return {k: f for k, f in figs.items() if f is not None}


def _summary(res: SweepResult) -> str:
    s = res.spec
    axes = "".join(f"<li><code>{escape(a.path)}</code>: {escape(', '.join(map(str, a.values)))}</li>" for a in s.axes)
    items = [
        ("spec", escape(s.file)), ("base config", escape(s.base)), ("workloads", escape(", ".join(s.workloads))),
        ("dataflows", escape(", ".join(s.dataflows))), ("batch sizes", escape(", ".join(map(str, s.batches)))),
        ("compression", escape(", ".join(s.compress))), ("axes", f"<ul>{axes}</ul>" if axes else "none (the base design)"),
        ("constraints", escape("; ".join(c.text for c in s.constraints)) or "none"),
        ("objective", f"{escape(s.objective)} (also what the mapper minimises per layer)"),
        ("designs", f"{len(res.designs):,} of a grid of {s.grid_size:,}, {escape(res.chosen_by)}; "
                    f"{res.excluded:,} passed over for a constraint"),
        ("tasks", f"{res.tasks:,}: {res.ran:,} run now, {res.reused:,} reused from sweep.sqlite, {res.failed:,} failed"),
        ("ran on", f"{escape(res.where)} in {res.wall_s:.1f} s wall"),
        ("accelsim", escape(__version__)),
    ]
    return "<table>" + "".join(_row([k, v], left=2) for k, v in items) + "</table>"


def _energy_table(res: SweepResult) -> str:
    e = hardware_from_dict(res.spec.base_config, res.spec.base).energy
    varied = any(a.path == "energy" or a.path.startswith("energy.") for a in res.spec.axes)
    head = (f"<p>Energy table <b>{escape(e.name)}</b>, unit <b>{escape(e.unit)}</b>"
            + (f" (from {escape(e.file)})" if e.file else "") + " — the costs per action of the base config"
            + ("; the energy table is an axis of this sweep, so other designs use other tables" if varied else "") + ":</p>")
    rows = "".join(f"<tr><td class='l'>{escape(a)}</td><td>{c:.4g}</td><td class='l'>{escape(e.sources.get(a, ''))}</td></tr>"
                   for a, c in e.costs.items())
    return head + f"<table><tr><th class='l'>action</th><th>cost</th><th class='l'>source</th></tr>{rows}</table>"


def report_html(res: SweepResult, pngs: dict[str, bytes]) -> str:
    head, rows = best_table(res)
    left = 3 + len(res.spec.axes) + (len(res.spec.batches) > 1)
    best_t = "".join(_row([escape(c) for c in row], left=left) for row in rows)
    failed = [r for r in res.rows if r.get("error")]
    fail_t = "".join(_row([f"#{r['design']}", escape(r["workload"]), escape(r["dataflow"]), escape(str(r["error"]))], left=4)
                     for r in failed[:FAILED_SHOWN])
    pair = heat_axes(res.spec)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>accelsim sweep — {escape(Path(res.spec.file).name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>accelsim sweep — {escape(Path(res.spec.file).name)}</h1>",
        "<h2>Summary</h2>", _summary(res),
        f"<h2>Best design per workload (least {escape(res.spec.objective)})</h2>",
        f"<p>Energy in {escape(_unit(res))}; every total of every task is in <code>results.csv</code>.</p>",
        "<div class='scroll'><table>" + _row([escape(h) for h in head], left=left, tag="th") + best_t + "</table></div>"
        if best_t else "<p>No task succeeded.</p>",
        "<h2>Figures</h2>",
        *(_figure(stem, pngs[f"{stem}.png"], captioned=SWEEP_CAPTIONS[stem])
          for stem in ("pareto_energy_latency", "pareto_energy_storage", "heatmap") if f"{stem}.png" in pngs),
        "" if pair else "<p>No heat map: it needs two axes with more than one value each.</p>",
        "<h2>Energy numbers used</h2>", _energy_table(res),
        f"<h2>Failed tasks ({len(failed):,})</h2>",
        ("<table>" + _row(["design", "workload", "dataflow", "error"], left=4, tag="th") + fail_t + "</table>"
         + (f"<p>… and {len(failed) - FAILED_SHOWN:,} more in results.csv.</p>" if len(failed) > FAILED_SHOWN else ""))
        if failed else "<p>None.</p>",
        "<p>Every task's row, with every total: <code>results.csv</code> in this folder.</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_sweep(res: SweepResult, out: str | Path) -> list[Path]:
    """Write the table, the figures and report.html into ``out``; returns the paths written."""
    cols = columns([a.path for a in res.spec.axes], [c.figure for c in res.spec.constraints])
    files: dict[str, bytes | str] = {"results.csv": to_csv(res.rows, cols)}
    parquet = to_parquet(res.rows, cols)
    if parquet is not None:
        files["results.parquet"] = parquet
    rendered = render_all(figures(res))
    files.update(rendered)
    files["report.html"] = report_html(res, {k: v for k, v in rendered.items() if k.endswith(".png")})
    return write_files(out, files)
