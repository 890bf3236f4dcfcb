"""Command-line entries of the report (issue #8).

:func:`register` adds, to the main ``accelsim`` parser:

- ``accelsim plot RESULT.json [--out DIR]``: every figure (PNG and SVG) and ``report.html``
  drawn from a result's JSON alone (default DIR: the JSON's folder);
- ``accelsim compare W1 W2 ... H [--dataflow X] [--batch N] [--out DIR] [--json [FILE]]``:
  runs each workload on H, prints a table (energy, weights, MACs, energy/MAC, DRAM
  accesses) and draws energy vs weights and vs MACs (``compare.png``/``.svg``).

``accelsim run ... --plot [--out DIR]`` is :func:`write_run_report` (called by cmd_run).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..console import console as _console
from ..console import emit_json as _emit_json
from ..errors import AccelsimError

DEFAULT_RUN_OUT = "accelsim-report"
DEFAULT_COMPARE_OUT = "accelsim-compare"


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr)


def write_run_report(result: Any, out: str | None, quiet: bool = False, data: dict | None = None,
                     also: Any = None) -> list[Path]:
    """``run --out DIR`` / ``--plot``: result.json (``data`` if given), layers.csv, figures and report.html,
    written in one step with the other outputs ``also`` (an :class:`accelsim.writing.Outputs`) holds."""
    from .write import write_report

    target = out or DEFAULT_RUN_OUT
    paths = [p for p in write_report(result, target, data=data, also=also) if Path(target) in p.parents]
    _say(quiet, f"accelsim: wrote {len(paths)} files to {target}/ (open {Path(target) / 'report.html'})")
    return paths


def cmd_plot(args: argparse.Namespace) -> int:
    from .load import load_result
    from .write import write_report

    result = load_result(args.result)
    out = args.out or str(Path(args.result).parent)
    paths = write_report(result, out, data_files=False)
    _say(args.quiet, f"accelsim: wrote {len(paths)} files to {out}/ (open {Path(out) / 'report.html'})")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from rich.table import Table

    from .compare import compare_networks, comparison_rows
    from .figures import network_comparison
    from ..console import si
    from .output import render_all, write_files

    if len(args.inputs) < 2:
        raise AccelsimError("compare needs workloads and one hardware config", where="arguments",
                            expected="W1 [W2 ...] H", found=" ".join(args.inputs))
    *workloads, hardware = args.inputs
    from ..limits import check_batch

    check_batch(args.batch)
    results = compare_networks(workloads, hardware, args.dataflow, args.batch, args.objective)
    rows = comparison_rows(results)
    files = render_all({"compare": network_comparison(results)})
    if args.out is not None or args.json is None:
        out = args.out or DEFAULT_COMPARE_OUT
        write_files(out, files)
        _say(args.quiet, f"accelsim: wrote {', '.join(files)} to {out}/")
    if args.json is not None:
        _emit_json({"hardware": results[0].hardware, "dataflow": sorted({r.dataflow for r in results}),
                    "energy_unit": results[0].energy_unit, "networks": rows}, args.json)
        return 0
    if args.quiet:
        return 0
    r0 = results[0]
    table = Table(title=f"networks on {r0.hardware}, dataflow {', '.join(sorted({r.dataflow for r in results}))}, "
                        f"batch {r0.batch} — energy in {r0.energy_unit}")
    for c in ("network", "energy", "weights", "MACs", "energy / MAC", "DRAM acc", "moving", "cycles"):
        table.add_column(c, justify="left" if c == "network" else "right")
    lowest = min(row["energy"] for row in rows)
    for row in rows:
        table.add_row(str(row["workload"]), si(row["energy"]), si(row["weights"]), si(row["macs"]),
                      f"{row['energy_per_mac']:.3g}", si(row["dram_accesses"]), f"{row['data_movement_share']:.0%}",
                      si(row["cycles"]), style="bold green" if row["energy"] == lowest else None)
    _console(args.no_color).print(table)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("plot", parents=[common], help="figures and report.html from a result JSON")
    p.add_argument("result", help="a result JSON written by 'accelsim run --json FILE' or '--out DIR'")
    p.add_argument("--out", metavar="DIR", help="where to write the figures and report.html (default: the JSON's folder)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("compare", parents=[common], help="several networks on one config: energy vs weights and MACs")
    p.add_argument("inputs", nargs="+", metavar="W ... H", help="workloads (YAML files or zoo names), then a hardware config")
    p.add_argument("--dataflow", default=None, help="ws, os, is, rs or nlr (default: the config's)")
    p.add_argument("--batch", type=int, default=1, help="batch size N (default 1)")
    p.add_argument("--objective", default="energy", help="what the mapper minimises: energy, latency or edp")
    p.add_argument("--out", metavar="DIR", help=f"where to write compare.png and compare.svg (default: {DEFAULT_COMPARE_OUT}/)")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write the table as JSON (to stdout, or to FILE)")
    p.add_argument("--quiet", action="store_true", help="no table")
    p.set_defaults(func=cmd_compare)
