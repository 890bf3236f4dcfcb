"""Command-line entries of the report (issue #8).

:func:`register` adds, to the main ``accelsim`` parser:

- ``accelsim plot RESULT.json [--out DIR]``: every figure (PNG and SVG) and ``report.html``
  drawn from a result's JSON alone (default DIR: the JSON's folder);
- ``accelsim compare W1 W2 ... H`` or ``W1 W2 ... -H H1 -H H2 [--dataflow X] [--batch N]
  [--out DIR] [--json [FILE]]``: runs each workload on each config, prints a table (energy, weights, MACs, energy/MAC, DRAM
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
                     also: Any = None, none: Any = None) -> list[Path]:
    """``run --out DIR`` / ``--plot``: result.json (``data`` if given), layers.csv, figures and report.html,
    written in one step with the other outputs ``also`` (an :class:`accelsim.writing.Outputs`) holds
    (``none``: the same run with ``--fusion none``, drawn beside it)."""
    from .write import write_report

    target = out or DEFAULT_RUN_OUT
    paths = [p for p in write_report(result, target, data=data, also=also, none=none) if Path(target) in p.parents]
    _say(quiet, f"accelsim: wrote {len(paths)} files to {target}/ (open {Path(target) / 'report.html'})")
    return paths


def cmd_plot(args: argparse.Namespace) -> int:
    from .load import load_result
    from .write import write_report

    if Path(args.result).is_dir():
        raise AccelsimError("plot reads one result file", file=args.result, where="RESULT",
                            expected="a result JSON (e.g. DIR/result.json of 'run --out DIR')", found="a folder")
    out = _out_dir(args.out or str(Path(args.result).parent))
    result = load_result(args.result)
    paths = write_report(result, out, data_files=False)
    _say(args.quiet, f"accelsim: wrote {len(paths)} files to {out}/ (open {Path(out) / 'report.html'})")
    return 0


def _out_dir(path: str, option: str = "--out") -> str:
    """A folder to write into: refused, before any work, if it is an existing file."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise AccelsimError("the output must be a folder", where=option, expected="a folder (new or existing)",
                            found=f"{path} is a file")
    for parent in p.parents:
        if parent.exists():
            if not parent.is_dir():
                raise AccelsimError("the output folder cannot be made there", where=option,
                                    expected="a path whose parents are folders", found=f"{parent} is a file")
            break
    return path


def cmd_compare(args: argparse.Namespace) -> int:
    from rich.text import Text

    from .compare import compare_networks, comparison_rows
    from .figures import network_comparison
    from ..console import si
    from ..terminal.grid import grid
    from ..terminal.units import EnergyFormat
    from .output import render_all, write_files

    if args.hardware:
        workloads, hardwares = list(args.inputs), list(args.hardware)
    elif len(args.inputs) >= 2:
        *workloads, last = args.inputs
        hardwares = [last]
    else:
        workloads, hardwares = [], []
    if not workloads or not hardwares:
        raise AccelsimError("compare needs workloads and a hardware config", where="arguments",
                            expected="W1 [W2 ...] H, or W1 [W2 ...] -H H1 [-H H2 ...]", found=" ".join(args.inputs))
    from ..limits import check_batch

    check_batch(args.batch)
    if args.out is not None or args.json is None:
        _out_dir(args.out or DEFAULT_COMPARE_OUT)
    results = [r for h in dict.fromkeys(hardwares) for r in compare_networks(workloads, h, args.dataflow, args.batch,
                                                                              args.objective)]
    rows = comparison_rows(results)
    # one figure per energy unit: energies in different units share no axis
    by_unit: dict[str, list] = {}
    for r in results:
        by_unit.setdefault(r.energy_unit, []).append(r)
    stems = {u: "compare" if len(by_unit) == 1 else "compare_" + "+".join(dict.fromkeys(r.hardware for r in rs))
             for u, rs in by_unit.items()}
    files = render_all({stems[u]: network_comparison(rs) for u, rs in by_unit.items()})
    if args.out is not None or args.json is None:
        out = args.out or DEFAULT_COMPARE_OUT
        write_files(out, files)
        _say(args.quiet, f"accelsim: wrote {', '.join(files)} to {out}/")
    if args.json is not None:
        hw = list(dict.fromkeys(r.hardware for r in results))
        unit = list(dict.fromkeys(r.energy_unit for r in results))
        # one config: strings, as before; several: lists (each row names its config)
        _emit_json({"hardware": hw[0] if len(hw) == 1 else hw, "dataflow": sorted({r.dataflow for r in results}),
                    "energy_unit": unit[0] if len(unit) == 1 else unit, "networks": rows}, args.json, args.quiet)
        return 0
    if args.quiet:
        return 0
    console = _console(args.no_color)
    units = list(dict.fromkeys(r.energy_unit for r in results))
    many_hw = len(set(hardwares)) > 1
    for unit in units:
        sel = [(row, r) for row, r in zip(rows, results) if r.energy_unit == unit]
        fmt = EnergyFormat(unit)
        hws = ", ".join(dict.fromkeys(r.hardware for _, r in sel))
        console.print(Text(f"networks on {hws}, dataflow {', '.join(sorted({r.dataflow for _, r in sel}))}, "
                           f"batch {sel[0][1].batch}", style="bold"))
        console.print(Text(f"  {fmt.header}"))
        head = ["network", *(["hardware"] if many_hw else []), "energy", "weights", "MACs", "energy / MAC", "DRAM acc",
                "moving", "cycles"]
        body = [[str(row["workload"]), *([r.hardware] if many_hw else []), fmt(row["energy"]), si(row["weights"]),
                 si(row["macs"]), fmt(row["energy_per_mac"]), si(row["dram_accesses"]),
                 f"{row['data_movement_share']:.0%}", si(row["cycles"])] for row, r in sel]
        lowest = min(row["energy"] for row, _ in sel)
        for i, line in enumerate(grid(head, body, left=(0, 1) if many_hw else (0,))):
            bold = i == 0 or (i >= 2 and sel[i - 2][0]["energy"] == lowest)
            console.print(Text(line, style="bold" if bold else ""), soft_wrap=True)
        console.print("bold: the lowest energy; moving = share of the energy spent moving data (RF + NoC + GLB + DRAM).",
                      highlight=False)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("plot", parents=[common], help="figures and report.html from a result JSON")
    p.add_argument("result", help="a result JSON written by 'accelsim run --json FILE' or '--out DIR'")
    p.add_argument("--out", metavar="DIR", help="where to write the figures and report.html (default: the JSON's folder)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("compare", parents=[common], help="several networks on one or more configs: energy vs weights and MACs",
                       usage="%(prog)s W1 [W2 ...] H  |  %(prog)s W1 [W2 ...] -H H1 [-H H2 ...]  [options]")
    p.add_argument("inputs", nargs="+", metavar="W", help="workloads (YAML files or zoo names); without -H, the last one "
                   "is the hardware config")
    p.add_argument("-H", "--hardware", action="append", metavar="H", help="a hardware config (repeat for several: "
                   "every network runs on every config)")
    p.add_argument("--dataflow", default=None, help="ws, os, is, rs or nlr (default: the config's)")
    p.add_argument("--batch", type=int, default=1, help="batch size N (default 1)")
    p.add_argument("--objective", default="energy", help="what the mapper minimises: energy, latency or edp")
    p.add_argument("--out", metavar="DIR", help=f"where to write compare.png and compare.svg (default: {DEFAULT_COMPARE_OUT}/)")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write the table as JSON (to stdout, or to FILE)")
    p.add_argument("--quiet", action="store_true", help="no table")
    p.set_defaults(func=cmd_compare)
