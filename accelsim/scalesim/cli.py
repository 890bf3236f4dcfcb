"""Command-line entries of the SCALE-Sim-compatible mode.

:func:`register` adds, to the main ``accelsim`` parser:

- ``accelsim import scalesim TOPO.csv CONFIG.cfg -o DIR [--gemm]``: the equivalent accelsim
  workload and hardware YAML;
- ``accelsim scalesim TOPO.csv CONFIG.cfg [--gemm] [--dataflow DF] [--scalesim-reports DIR]
  [--json [FILE]]``: SCALE-Sim 3.0.0's figures per layer (a table, JSON, and/or SCALE-Sim's
  three CSV reports).

To route ``accelsim run X.csv Y.cfg`` here: ``if is_scalesim_pair(w, h): return run_command(w, h,
...)``.

Errors are :class:`~accelsim.errors.AccelsimError` (the main CLI prints them, exit status 2);
warnings about inputs accelsim reads differently from SCALE-Sim go to stderr.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any



@contextmanager
def _reported_warnings() -> Iterator[None]:
    """Show ScaleSimWarnings as one ``accelsim: warning:`` line each on stderr."""
    from .topology import ScaleSimWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScaleSimWarning)
        try:
            yield
        finally:
            for w in caught:
                if issubclass(w.category, ScaleSimWarning):
                    print(f"accelsim: warning: {w.message}", file=sys.stderr)
                else:
                    warnings.showwarning(w.message, w.category, w.filename, w.lineno)


# ---------------------------------------------------------------- commands


def cmd_import_scalesim(args: argparse.Namespace) -> int:
    from .importer import import_scalesim

    from ..writing import check_outputs

    check_input_pair(args.topology, args.config)
    check_outputs({"-o": args.output}, folders=("-o",))
    with _reported_warnings():
        wl, hw = import_scalesim(args.topology, args.config, args.output, gemm=args.gemm)
    print(f"wrote {wl} (workload) and {hw} (hardware)")
    print(f"run it with accelsim's own model: accelsim run {wl} {hw}")
    return 0


def cmd_scalesim(args: argparse.Namespace) -> int:
    return run_command(
        args.topology,
        args.config,
        gemm=args.gemm,
        dataflow=args.dataflow,
        scalesim_reports=args.scalesim_reports,
        traces=args.traces,
        json_target=args.json,
        no_color=args.no_color,
    )


def is_scalesim_pair(workload: str, hardware: str) -> bool:
    """True when ``accelsim run WORKLOAD HARDWARE`` was given SCALE-Sim files (a .csv and a .cfg)."""
    from pathlib import Path

    return Path(workload).suffix.lower() == ".csv" and Path(hardware).suffix.lower() == ".cfg"


def check_input_pair(workload: str, hardware: str) -> None:
    """A SCALE-Sim topology with an accelsim hardware YAML (or the reverse) is one error that
    says which pairs are accepted."""
    from pathlib import Path

    from ..errors import AccelsimError

    w, h = Path(workload).suffix.lower(), Path(hardware).suffix.lower()
    yaml_like = (".yaml", ".yml")
    if (w == ".csv") != (h == ".cfg") and (w in yaml_like + (".csv",) or h in yaml_like + (".cfg",)):
        odd = f"a SCALE-Sim {'topology' if w == '.csv' else 'config'} ({workload if w == '.csv' else hardware}) " \
              f"with {'a hardware config' if w == '.csv' else 'a workload'} that is not SCALE-Sim's " \
              f"({hardware if w == '.csv' else workload})"
        raise AccelsimError(
            "the workload and the hardware are of two different kinds", where="arguments",
            expected="either a SCALE-Sim pair (TOPOLOGY.csv CONFIG.cfg) or an accelsim pair (workload YAML or zoo "
            "name, hardware YAML or shipped name); 'accelsim import scalesim TOPO.csv CONFIG.cfg -o DIR' turns "
            "the first into the second", found=odd,
        )


def run_command(
    topology: str,
    config: str,
    *,
    gemm: bool | None = None,
    dataflow: str | None = None,
    scalesim_reports: str | None = None,
    traces: str | None = None,
    json_target: str | None = None,
    no_color: bool = False,
    quiet: bool = False,
) -> int:
    """The compatible run behind ``accelsim scalesim`` (and ``accelsim run X.csv Y.cfg`` once routed).

    Prints the per-layer table (unless JSON goes to stdout), writes the three SCALE-Sim reports
    into ``scalesim_reports``, the SRAM and DRAM traces into ``traces`` (``layer<i>/*_{SRAM,DRAM}_TRACE.csv``) and
    JSON to ``json_target`` (``"-"``: stdout); ``quiet``: no table. Returns the exit status.
    """
    from .run import run_compat

    check_input_pair(topology, config)
    writes = json_target not in (None, "-") or scalesim_reports or traces
    if writes:  # (the writers' module only when something is written)
        from ..writing import check_outputs

        check_outputs({"--json": json_target, "--scalesim-reports": scalesim_reports, "--traces": traces},
                      folders=("--scalesim-reports", "--traces"))
    with _reported_warnings():
        result = run_compat(topology, config, gemm=gemm, dataflow=dataflow)
    if writes:
        _write_outputs(result, topology, config, scalesim_reports, traces, json_target)
    if json_target is not None:
        if json_target == "-":
            from ..console import emit_json

            emit_json(result.to_dict(), json_target)
            return 0
    if not quiet:
        print_table(result, no_color=no_color)
    return 0


def _write_outputs(result: Any, topology: str, config: str, scalesim_reports: str | None, traces: str | None,
                   json_target: str | None) -> None:
    """SCALE-Sim's reports, its traces and a JSON file: all written, or none."""
    from pathlib import Path

    from ..writing import Outputs
    from .reports import report_texts

    outputs = Outputs(label=f"scalesim {topology} {config}")  # reports, traces and --json FILE: all or none
    if json_target not in (None, "-"):
        import json

        outputs.file(json_target, json.dumps(result.to_dict(), indent=1) + "\n")
    reports = report_texts(result).items() if scalesim_reports else ()
    trace_pairs: Any = ()
    if traces:
        from .traces import trace_files  # numba's jitted trace writers: only when traces are asked for

        trace_pairs = trace_files(list(result.topology.layers), result.config)
    if scalesim_reports and traces and Path(scalesim_reports).resolve() == Path(traces).resolve():
        outputs.folder(traces, itertools.chain(reports, trace_pairs))  # one folder: the reports beside layer<i>/
    else:
        if scalesim_reports:
            outputs.folder(scalesim_reports, reports)
        if traces:
            outputs.folder(traces, trace_pairs)
    written = outputs.write()
    if scalesim_reports:
        print("wrote " + ", ".join(str(p) for p in written if Path(scalesim_reports) in p.parents), file=sys.stderr)
    if traces:
        n = sum(1 for p in written if Path(traces) in p.parents)
        print(f"wrote {n} SRAM and DRAM trace files under {traces}", file=sys.stderr)


def print_table(result: Any, *, no_color: bool = False) -> None:
    """The per-layer figures as a plain table (accelsim's own grid, as ``accelsim info`` and
    ``accelsim run`` print theirs: whole, never cut; and no rich to import in a fresh process)."""
    from ..terminal.grid import grid

    cfg = result.config
    n = lambda x: f"{x:,}"  # noqa: E731
    title = (
        f"{result.topology.name} on {cfg.array_rows}x{cfg.array_cols} {cfg.dataflow}, "
        f"SRAM {cfg.ifmap_sram_kb}/{cfg.filter_sram_kb}/{cfg.ofmap_sram_kb} kB, {cfg.interface_bandwidth} "
        "— SCALE-Sim 3.0.0-compatible figures"
    )
    d = result.to_dict()["totals"]
    cols: list[tuple[str, Callable[[Any], str], str]] = [
        ("layer", lambda r: r.name, "total"),
        ("GEMM M×N×K", lambda r: f"{r.mapping.M}×{r.mapping.N}×{r.mapping.K}", ""),
        ("folds", lambda r: f"{r.mapping.row_fold}×{r.mapping.col_fold}", ""),
        ("cycles", lambda r: n(r.total_cycles), n(d["total_cycles"])),
        ("stalls", lambda r: n(r.stall_cycles), n(d["stall_cycles"])),
        ("util %", lambda r: f"{r.overall_util:.2f}", ""),
        ("map eff %", lambda r: f"{r.mapping_efficiency:.2f}", ""),
        ("comp util %", lambda r: f"{r.compute_util:.2f}", ""),
        ("SRAM if rd", lambda r: n(r.sram_ifmap_reads), n(d["sram"]["ifmap_reads"])),
        ("SRAM fl rd", lambda r: n(r.sram_filter_reads), n(d["sram"]["filter_reads"])),
        ("SRAM of wr", lambda r: n(r.sram_ofmap_writes), n(d["sram"]["ofmap_writes"])),
        ("DRAM if rd", lambda r: n(r.memory.dram_ifmap_reads), n(d["dram"]["ifmap_reads"])),
        ("DRAM fl rd", lambda r: n(r.memory.dram_filter_reads), n(d["dram"]["filter_reads"])),
        ("DRAM of wr", lambda r: n(r.memory.dram_ofmap_writes), n(d["dram"]["ofmap_writes"])),
    ]
    lines = grid([h for h, _, _ in cols], [[f(r) for _, f, _ in cols] for r in result.layers], left=(0, 1, 2),
                 footer=[foot for _, _, foot in cols])
    sys.stdout.write("\n".join([title, *lines, (
        f"{len(result.layers)} layers, {n(d['macs'])} MACs; simulated in {result.cpu_seconds:.3f} CPU-s. "
        "Counts in words (1 byte), cycles as SCALE-Sim counts them (docs/scalesim.md)."
    )]) + "\n")


# ---------------------------------------------------------------- registration


def _subparsers_of(parser: argparse.ArgumentParser, dest: str, metavar: str) -> Any:
    for action in parser._actions:  # argparse has no public accessor for an existing one
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest=dest, metavar=metavar)


def register(subparsers: Any, common_parent: argparse.ArgumentParser) -> None:
    """Add ``import scalesim`` and ``scalesim`` to the main parser's subcommands."""
    imp = subparsers.choices.get("import")
    if imp is None:
        imp = subparsers.add_parser("import", help="convert other tools' inputs to accelsim workload/hardware YAML")
        imp.set_defaults(func=lambda a: (imp.print_help(), 2)[1])
    imp_sub = _subparsers_of(imp, "import_command", "FORMAT")
    p = imp_sub.add_parser(
        "scalesim",
        parents=[common_parent],
        help="a SCALE-Sim topology CSV + .cfg as accelsim workload + hardware YAML",
        description="Write the accelsim workload (standalone layers; SCALE-Sim's ceil output size as "
        "bottom/right padding) and hardware YAML equivalent to a SCALE-Sim topology and config.",
    )
    p.add_argument("topology", help="SCALE-Sim topology CSV (conv, or GEMM 'Layer, M, N, K')")
    p.add_argument("config", help="SCALE-Sim .cfg file")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="directory for the two YAML files")
    p.add_argument("--gemm", action="store_true", default=None, help="the topology is in GEMM form (M, N, K)")
    p.set_defaults(func=cmd_import_scalesim)

    p = subparsers.add_parser(
        "scalesim",
        parents=[common_parent],
        help="SCALE-Sim 3.0.0-compatible figures for a SCALE-Sim topology + config",
        description="Reproduce SCALE-Sim 3.0.0's per-layer cycles, utilizations and SRAM/DRAM counts "
        "(its quirks included, see docs/scalesim.md), in a fraction of its time.",
    )
    p.add_argument("topology", help="SCALE-Sim topology CSV (conv, or GEMM 'Layer, M, N, K')")
    p.add_argument("config", help="SCALE-Sim .cfg file")
    p.add_argument("--gemm", action="store_true", default=None, help="the topology is in GEMM form (M, N, K)")
    p.add_argument("--dataflow", choices=("os", "ws", "is"), help="override the config's Dataflow")
    p.add_argument("--scalesim-reports", metavar="DIR",
                   help="write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv into DIR")
    p.add_argument("--traces", metavar="DIR",
                   help="also write SCALE-Sim's per-layer SRAM and DRAM trace files "
                   "(layer<i>/{IFMAP,FILTER,OFMAP}_{SRAM,DRAM}_TRACE.csv), byte for byte, into DIR")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write JSON (to stdout, or to FILE)")
    p.set_defaults(func=cmd_scalesim)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m accelsim.scalesim.cli``) until the main CLI routes here."""
    from ..errors import AccelsimError

    parser = argparse.ArgumentParser(prog="accelsim", description="accelsim's SCALE-Sim-compatible mode")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--no-color", action="store_true", help="plain text output")
    register(parser.add_subparsers(dest="command", metavar="COMMAND"), common)
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except AccelsimError as exc:
        print(f"accelsim: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
