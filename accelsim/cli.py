"""The ``accelsim`` command: a thin layer over the Python API.

Every error in the user's input is an :class:`~accelsim.errors.AccelsimError`; it is
printed as one paragraph on stderr and the command exits with status 2, without a
traceback and without leaving partial output files.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import AccelsimError

if TYPE_CHECKING:
    from rich.console import Console

EXIT_USER_ERROR = 2

# rich and the console helpers are imported on first use: a SCALE-Sim-compatible run (issue 20's
# fresh-process start-up) should pay for neither unless it prints a table.


def _console(no_color: bool = False) -> Console:
    from .console import console

    return console(no_color)


def _emit_json(data: Any, target: str | None, quiet: bool = False) -> None:
    from .console import emit_json

    emit_json(data, target, quiet)


def _si(x: float) -> str:
    from .console import si

    return si(x)


def _wrote(path: object, what: str, quiet: bool = False) -> None:
    from .console import wrote

    wrote(path, what, quiet)


def _n(x: int) -> str:
    return f"{x:,}"


# ---------------------------------------------------------------- info


def cmd_info(args: argparse.Namespace) -> int:
    from .paths import resolve_workload
    from .workload.summary import network_summary

    net = resolve_workload(args.workload, **_onnx_options(args))
    if getattr(args, "compress", None) or net.compression_stated:
        from .compress.cli import cmd_info_compress

        return cmd_info_compress(net, args)
    summary = network_summary(net)
    if net.notes:
        summary["notes"] = list(net.notes)
    if args.json is not None:
        _emit_json(summary, args.json)
        return 0
    from .terminal.grid import grid  # plain, one pass: 5,000 layers in about 2 CPU-s (rich's Table: 15 s)

    dims = "NMCHWRSEFUG"
    totals = summary["totals"]
    headers = ["layer", "type", *dims, "MACs", "ops", "params", "ifmap", "ofmap", "weights"]
    rows = [
        [row["name"], row["type"], *(str(row["shape"][d]) for d in dims),
         *(_n(row[k]) for k in ("macs", "ops", "params", "ifmap_size", "ofmap_size", "weight_size"))]
        for row in summary["layers"]
    ]
    footer = ["total", "", *("" for _ in dims), _n(totals["macs"]), _n(totals["ops"]), _n(totals["params"]), "", "",
              _n(totals["weights"])]
    title = f"{net.name}: {net.description}" if net.description else net.name
    sys.stdout.write("\n".join([title, *grid(headers, rows, left=(0, 1), footer=footer)]) + "\n")
    console = _console(args.no_color)
    console.print(
        f"{totals['layers']} layers; {_n(totals['macs'])} MACs; {_n(totals['params'])} parameters "
        f"({_n(totals['weights'])} weights, {_n(totals['biases'])} biases, {_n(totals['bn_params'])} batch-norm); "
        f"{_n(totals['ops'])} other operations. Sizes in elements, batch 1."
    )
    for note in net.notes:
        console.print(f"note: {note}", markup=False)
    return 0


def _onnx_options(args: argparse.Namespace) -> dict:
    """--input-shape and --skip-unsupported, for a workload given as an ONNX file."""
    shape = getattr(args, "input_shape", None)
    skip = bool(getattr(args, "skip_unsupported", False))
    if (shape is not None or skip) and not str(args.workload).lower().endswith(".onnx"):
        raise AccelsimError(
            "--input-shape and --skip-unsupported apply to an ONNX model", where="--input-shape" if shape else "--skip-unsupported",
            expected="a workload file ending in .onnx", found=args.workload,
        )
    return {"input_shape": _parse_shape(shape), "skip_unsupported": skip} if str(args.workload).lower().endswith(".onnx") else {}


def _parse_shape(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        dims = [int(x) for x in text.replace("x", ",").split(",") if x.strip()]
    except ValueError:
        dims = []
    if not dims or any(d <= 0 for d in dims):
        raise AccelsimError("not a tensor shape", where="--input-shape", expected="positive integers like 1,3,224,224", found=text)
    return dims


# ---------------------------------------------------------------- run


def cmd_run(args: argparse.Namespace) -> int:
    if args.time_limit is not None:
        import os

        from .dataflow.plugin import TIME_ENV

        if not args.time_limit > 0 or args.time_limit == float("inf"):
            raise AccelsimError("out of range", where="--time-limit", expected="a number of seconds > 0", found=args.time_limit)
        old = os.environ.get(TIME_ENV)
        os.environ[TIME_ENV] = repr(args.time_limit)
        try:
            return _cmd_run(args)
        finally:
            os.environ.pop(TIME_ENV) if old is None else os.environ.__setitem__(TIME_ENV, old)
    return _cmd_run(args)


def _cmd_run(args: argparse.Namespace) -> int:
    from .scalesim.cli import check_input_pair, is_scalesim_pair, run_command

    if args.convention and args.compat != "timeloop":
        raise AccelsimError("--convention chooses between Timeloop's and accelsim's counts of a Timeloop mapping",
                            where="--convention", expected="--compat timeloop with it", found=f"--compat {args.compat or 'not given'}")
    if args.compat == "timeloop":
        from .timeloop.cli import cmd_run_timeloop

        return cmd_run_timeloop(args)
    workload, hardware = args.workload, args.hardware
    check_input_pair(workload, hardware)
    targets = {"--json": args.json, "--csv": args.csv, "--out": args.out or ("accelsim-report" if args.plot else None),
               "--scalesim-reports": args.scalesim_reports, "--traces": args.traces}
    if any(t not in (None, "-") for t in targets.values()):  # (the writers' module only when something is written)
        from .writing import check_outputs

        check_outputs(targets, folders=("--out", "--scalesim-reports", "--traces"))
    if is_scalesim_pair(args.workload, args.hardware) and args.compat == "none":
        from .scalesim.compare import native_inputs

        workload, hardware = native_inputs(args.workload, args.hardware)
    elif is_scalesim_pair(args.workload, args.hardware) or args.compat == "scalesim":
        if not is_scalesim_pair(args.workload, args.hardware):
            raise AccelsimError(
                "--compat scalesim needs SCALE-Sim's own inputs",
                where="--compat",
                expected="a topology .csv and a .cfg",
                found=f"{args.workload} {args.hardware}",
            )
        if args.dataflow == "all":
            raise AccelsimError("SCALE-Sim runs one dataflow", where="--dataflow", expected="os, ws or is", found="all")
        native_only = [flag for flag, given in (
            ("--plot", args.plot), ("--out", args.out), ("--csv", args.csv), ("--ideal", args.ideal),
            ("--mapping", args.mapping), ("--batch", args.batch != 1), ("--compress", args.compress),
            ("--objective", args.objective != "energy"), ("--fusion", args.fusion != "onchip"),
            ("--search", args.search != "fast"), ("--exact", args.exact),
        ) if given]
        if native_only:
            raise AccelsimError(
                f"{', '.join(native_only)} {'belongs' if len(native_only) == 1 else 'belong'} to accelsim's own model, "
                "not to the SCALE-Sim-compatible mode these inputs select",
                where=native_only[0],
                expected="the compatible mode's options (--dataflow, --scalesim-reports, --traces, --json, "
                "--compare-scalesim), or --compat none to run the same files under accelsim's own model",
                found=" ".join(native_only),
            )
        if args.compare_scalesim:
            from .scalesim.compare import compare, print_comparison

            print_comparison(compare(args.workload, args.hardware), _console(args.no_color))
            return 0
        return run_command(
            args.workload, args.hardware, dataflow=args.dataflow, scalesim_reports=args.scalesim_reports,
            traces=args.traces, json_target=args.json, no_color=args.no_color, quiet=args.quiet,
        )
    from rich.console import Console
    from rich.progress import Progress

    from .api import run

    if args.traces or args.scalesim_reports:
        raise AccelsimError(
            f"{'--traces' if args.traces else '--scalesim-reports'} writes SCALE-Sim's own files, so it needs SCALE-Sim's inputs",
            where="--traces" if args.traces else "--scalesim-reports",
            expected="a SCALE-Sim topology .csv and a .cfg (the compatible mode)",
            found=f"{args.workload} {args.hardware}",
        )
    from .limits import check_batch, check_network
    from .paths import resolve_workload

    check_batch(args.batch)
    if isinstance(workload, str):  # loaded once, here, to check its sizes at the batch before the search
        workload = resolve_workload(workload, **_onnx_options(args))
    check_network(workload, args.batch)
    dataflows = None
    if args.dataflow == "all":
        from .paths import resolve_hardware_path
        from .hardware import load_hardware

        spec = hardware if not isinstance(hardware, str) else load_hardware(resolve_hardware_path(hardware))
        dataflows = list(spec.dataflows)
    runs = []
    with Progress(console=Console(stderr=True), transient=True, disable=args.quiet or not sys.stderr.isatty()) as bar:
        task = bar.add_task("mapping layers", total=None)

        def tick(i: int, n: int, name: str) -> None:
            bar.update(task, completed=i, total=n, description=f"mapping {name}")

        for df in dataflows or [args.dataflow]:
            runs.append(run(workload, hardware, df, args.batch, args.objective, progress=tick, mappings=args.mapping,
                            compress=args.compress, fusion=args.fusion, search=args.search,
                            mode="exact" if args.exact else "expected", seed=args.seed))
    from .result import MultiResult

    result = MultiResult(tuple(runs)) if dataflows else runs[0]
    data = result.to_dict()
    csv_text = result.to_csv()
    if args.ideal:
        from .ideal import add_ideal

        data = add_ideal(data, workload, args.batch, runs)
    from .writing import Outputs

    outputs = Outputs(label=f"run {args.workload} {args.hardware}")  # --out, --json FILE, --csv: all or none
    if args.json not in (None, "-"):
        import json  # (here: a SCALE-Sim-compatible run's start-up does not import it)

        outputs.file(args.json, json.dumps(data, indent=1) + "\n")
    if args.csv:
        outputs.file(args.csv, csv_text)
    if args.out or args.plot:
        from .report.cli import write_run_report

        none = None
        if not dataflows and args.fusion != "none" and not args.compress:  # the figure of traffic between layers
            none = run(workload, hardware, args.dataflow, args.batch, args.objective, mappings=args.mapping,
                       fusion="none", search=args.search)
        write_run_report(result, args.out, args.quiet, data, also=outputs, none=none)
    else:
        outputs.write()
    if args.json == "-":
        _emit_json(data, args.json, args.quiet)
    elif args.json is not None:
        _wrote(args.json, "the JSON", args.quiet)
    if args.csv:
        _wrote(args.csv, "one row per layer (CSV)", args.quiet)
    if args.json is None and not args.quiet:
        from .terminal.run_view import print_run

        console = _console(args.no_color)
        if len(runs) > 1:
            _compare_table(runs, console)
        for r in runs if len(runs) == 1 or args.detail else ():
            print_run(r, console, args.layers, _column_keys(args.columns), args.wide)
            if r.compression is not None:
                from .report.compression import print_compression

                print_compression(r.to_dict(), console)
        if len(runs) > 1 and not args.detail:
            console.print("each dataflow's summary and per-layer table: add --detail", highlight=False)
        if args.ideal:
            from .ideal import print_ideal

            print_ideal(data["ideal"], runs, console)
        for note in getattr(workload, "notes", ()):  # an imported ONNX model's
            console.print(f"note: {note}", markup=False)
    return 0


def _column_keys(text: str | None) -> list[str] | None:
    """``--columns energy,cycles``: the keys, checked (the layer name always comes first)."""
    if text is None:
        return None
    from .terminal.run_view import PRIORITY

    keys = [k.strip() for k in text.split(",") if k.strip()]
    bad = [k for k in keys if k not in PRIORITY]
    if bad or not keys:
        raise AccelsimError("unknown column" if bad else "no column named", where="--columns",
                            expected="a comma-separated list of " + ", ".join(PRIORITY), found=text)
    return ["layer", *(k for k in dict.fromkeys(keys) if k != "layer")]


def _compare_table(runs, console: Console) -> None:
    from rich.text import Text

    from .terminal.grid import grid
    from .terminal.units import EnergyFormat

    fmt = EnergyFormat(runs[0].energy_unit)
    lowest = min(r.totals()["energy_total"] for r in runs)
    rows, best = [], 0
    for i, r in enumerate(runs):
        t = r.totals()
        dram = sum(v["reads"] + v["writes"] for v in t["accesses"]["DRAM"].values())
        glb = sum(v["reads"] + v["writes"] for v in t["accesses"]["GLB"].values())
        rows.append([r.dataflow, _si(t["cycles"]), f"{t['utilization']:.0%}", _si(dram), _si(glb), fmt(t["energy_total"]),
                     fmt(t["energy_total"] / t["macs"]) if t["macs"] else "-", f"{t['data_movement_share']:.0%}"])
        best = i if t["energy_total"] == lowest else best
    lines = grid(["dataflow", "cycles", "util", "DRAM acc", "GLB acc", "energy", "energy / MAC", "moving"], rows)
    console.print(Text(f"dataflows side by side (totals) — {runs[0].workload} on {runs[0].hardware}", style="bold"))
    console.print(Text(f"  {fmt.header}"))
    for i, line in enumerate(lines):
        console.print(Text(line, style="bold" if i == 0 or i == best + 2 else ""), soft_wrap=True)
    console.print("bold: the dataflow that spends the least energy; util = MACs / (PEs × cycles); "
                  "moving = share of the energy spent moving data (RF + NoC + GLB + DRAM).", highlight=False)


# ---------------------------------------------------------------- list


def cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from .hardware import load_hardware
    from .paths import shipped_hardware
    from .workload.zoo import ZOO, build

    console = _console(args.no_color)
    nets = Table(title="Workloads (the zoo: workloads/<name>.yaml)")
    for col in ("name", "MACs", "params", "description"):
        nets.add_column(col, justify="right" if col in ("MACs", "params") else "left")
    for name in ZOO:
        net = build(name)
        t = net.totals()
        nets.add_row(name, _n(t["macs"]), _n(t["params"]), net.description)
    console.print(nets)
    from .workload.zoo import VARIANTS

    families = sorted({n.rsplit("_", 2)[0] for n in VARIANTS})
    console.print(f"Also built by name ({len(VARIANTS)} variants): " + "; ".join(
        f"{f}_*: " + ", ".join(n[len(f) + 1:] for n in VARIANTS if n.rsplit('_', 2)[0] == f) for f in families), markup=False)
    hw = Table(title="Hardware configs (hw_configs/<name>.yaml)")
    hw.add_column("name")
    hw.add_column("description")
    for path in shipped_hardware():
        hw.add_row(path.stem, load_hardware(path).description)
    console.print(hw)
    return 0


# ---------------------------------------------------------------- hw


def cmd_hw_show(args: argparse.Namespace) -> int:
    from .hardware import derived, describe, load_hardware
    from .paths import resolve_hardware_path

    spec = load_hardware(resolve_hardware_path(args.config))
    if args.json is not None:
        _emit_json({"hardware": spec.name, "derived": derived(spec)}, args.json)
    else:
        _console(args.no_color).print(describe(spec), markup=False)
    return 0


# ---------------------------------------------------------------- parser


def _add_onnx_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input-shape", metavar="N,C,H,W", help="an ONNX model's input shape, where the file leaves it dynamic (e.g. 1,3,224,224)")
    p.add_argument("--skip-unsupported", action="store_true",
                   help="an ONNX model: import the nodes accelsim does not model as data movement on the SIMD unit")


# the commands this file defines itself; for these, main() skips importing the other commands'
# modules (their parsers pull in the Timeloop, sweep, report and ONNX layers: about 0.4 CPU-s)
OWN_COMMANDS = ("info", "run", "list", "hw")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``command`` one of :data:`OWN_COMMANDS`, only this file's own
    commands (the others are then not registered, which cannot change how ``command`` parses)."""
    parser = argparse.ArgumentParser(
        prog="accelsim",
        description="A cycle-level DNN accelerator simulator: where the energy and time of a CNN go.",
    )
    parser.add_argument("--version", action="version", version=f"accelsim {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--no-color", action="store_true", help="plain text output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("info", parents=[common], help="per-layer shapes, MACs, parameters and sizes of a workload")
    p.add_argument("workload", help="a workload YAML file or a zoo name (see 'accelsim list')")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write JSON (to stdout, or to FILE)")
    p.add_argument("--compress", metavar="F", help="a compression YAML or shipped name: the stored model size per layer")
    _add_onnx_args(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("run", parents=[common], help="map a workload onto an accelerator: counts, cycles, energy")
    p.add_argument("workload", help="a workload YAML file or a zoo name")
    p.add_argument("hardware", help="a hardware YAML file or a shipped name")
    p.add_argument("--dataflow", default=None, help="ws, os, is, rs, nlr, all, or your own: path/to/mine.py:MyDataflow (default: the config's)")
    p.add_argument("--batch", type=int, default=1, help="batch size N (default 1)")
    p.add_argument("--objective", default="energy", help="what the mapper minimises: energy, latency or edp")
    p.add_argument("--search", default="fast",
                   help="fast: the mapper's fixed enumeration; full: the whole mapping space (slower, docs/engine.md §6)")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write the results as JSON (to stdout, or to FILE)")
    p.add_argument("--csv", metavar="FILE", help="write one row per layer as CSV")
    p.add_argument("--out", metavar="DIR", help="write result.json, layers.csv, the figures and report.html into DIR")
    p.add_argument("--plot", action="store_true", help="draw the figures and report.html (into --out DIR, default accelsim-report/)")
    p.add_argument("--mapping", metavar="FILE", help="YAML of mappings pinned per layer (the mapper searches the others)")
    p.add_argument("--quiet", action="store_true", help="no table, no progress bar")
    p.add_argument("--layers", choices=("folded", "all"), default="folded",
                   help="folded (default): batch norm and activations fused into a conv share its row; all: one row per layer")
    p.add_argument("--columns", metavar="A,B,...", help="the table's columns, e.g. energy,share,cycles,e_dram "
                   "(layer, top, type, macs, cycles, stalls, util, dram, glb, noc, rf, e_mac, e_rf, e_noc, e_glb, e_dram, "
                   "e_simd, energy, share, moving); default: as many as fit the terminal")
    p.add_argument("--wide", action="store_true", help="every column, however wide the terminal")
    p.add_argument("--detail", action="store_true", help="with --dataflow all: each dataflow's summary and table too")
    p.add_argument("--ideal", action="store_true", help="also the ideal DRAM bound per layer (every datum crosses DRAM once)")
    p.add_argument("--compress", metavar="FILE", help="a compression file or shipped name (compressions/): densities and bits per layer; "
                   "prints dense and compressed side by side")
    p.add_argument("--exact", action="store_true", help="with --compress: count real 0/1 masks exactly (the compression's mask "
                   "files, else drawn at its densities from --seed) instead of expectations over random zeros")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="with --exact: the seed the masks are drawn from (default 0)")
    p.add_argument("--fusion", default="onchip", metavar="LEVEL",
                   help="between the layers: none, views (concat/slice/shuffle without copies), ops (element-wise work "
                   "and pools fused into the producer's write-back), onchip (also feature maps kept in the GLB); "
                   "cumulative, default onchip")
    p.add_argument("--compat", choices=("scalesim", "timeloop", "none"),
                   help="scalesim: reproduce SCALE-Sim 3.0.0 (the default for a .csv topology and a .cfg); "
                   "timeloop: W H are a Timeloop problem and architecture, --mapping its mapping, pinned in accelsim's engine "
                   "and counted as Timeloop counts (--convention); none: run SCALE-Sim inputs under accelsim's own model")
    p.add_argument("--convention", choices=("both", "accelsim", "timeloop"),
                   help="with --compat timeloop: whose counting convention (docs/engine.md §10): accelsim (the engine, "
                   "Timeloop's mapping pinned), timeloop (Timeloop's own count), or both (default)")
    p.add_argument("--scalesim-reports", metavar="DIR", help="with SCALE-Sim inputs: write its three CSV reports into DIR")
    p.add_argument("--traces", metavar="DIR",
                   help="with SCALE-Sim inputs: also write its per-layer SRAM and DRAM trace files into DIR, "
                   "byte for byte (none unless asked)")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="seconds a user's dataflow (FILE.py:CLASS) may run in all: import, class, order() (default 20)")
    p.add_argument("--compare-scalesim", action="store_true",
                   help="with SCALE-Sim inputs: its figures next to accelsim's own model, with the reason for each difference")
    _add_onnx_args(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("list", parents=[common], help="the model zoo and the shipped hardware configs")
    p.set_defaults(func=cmd_list)

    hw = sub.add_parser("hw", help="hardware configs")
    hwsub = hw.add_subparsers(dest="hw_command", metavar="COMMAND")
    p = hwsub.add_parser("show", parents=[common], help="a config with derived figures (peak, storage, ridge point)")
    p.add_argument("config", help="a hardware YAML file or a shipped name")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write JSON (to stdout, or to FILE)")
    p.set_defaults(func=cmd_hw_show)
    hw.set_defaults(func=lambda a: (hw.print_help(), EXIT_USER_ERROR)[1])

    if command in OWN_COMMANDS:
        return parser
    from .scalesim.cli import register

    register(sub, common)
    from .timeloop.cli import register as register_timeloop; register_timeloop(sub, common)  # noqa: E702
    from .reproduce.cli import register as register_reproduce; register_reproduce(sub, common)  # noqa: E702
    from .report.cli import register as register_report; register_report(sub, common)  # noqa: E702
    from .teach.cli import register as register_teach; register_teach(sub, common)  # noqa: E702
    from .sweep.cli import register as register_sweep; register_sweep(sub, common)  # noqa: E702
    from .workload.importers.cli import register as register_onnx; register_onnx(sub, common)  # noqa: E702
    return parser


def _one_blas_thread() -> None:
    """Ask numpy's OpenBLAS for one thread, before anything imports numpy (the user's own
    ``OPENBLAS_NUM_THREADS`` wins). accelsim's only BLAS calls are dot products of a dozen
    energy costs; a pool of threads buys nothing there, and starting one is a third of a fresh
    ``import numpy``'s CPU time (0.20 -> 0.13 CPU-s here, ``benchmarks/startup.py``)."""
    if "numpy" not in sys.modules:
        import os

        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: Sequence[str] | None = None) -> int:
    _one_blas_thread()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv else None)
    if len(argv) > 1 and argv[0] == "import" and argv[1].lower().endswith(".onnx"):
        argv.insert(1, "onnx")  # accelsim import model.onnx -o model.yaml
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        _no_empty_values(args)
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except AccelsimError as exc:
        print(f"accelsim: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # a write the writers did not see: stdout on a full disk, a file read mid-way
        from .writing import os_error

        import shutil

        if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
            src, dst, why = exc.args[0][0]  # copytree's first failure (assignments export)
            print(f"accelsim: error: {dst}: cannot write the output ({why}).", file=sys.stderr)
            return EXIT_USER_ERROR
        if exc.filename is None:  # printing the table or the JSON
            _silence_stdout()
            err = AccelsimError("cannot write to standard output", where="standard output",
                                expected="an output that takes the text (a terminal, a pipe, a file on a disk with room)",
                                found=os_error(exc, "-").found)
        else:
            err = os_error(exc, exc.filename)
        print(f"accelsim: error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except MemoryError:
        print("accelsim: error: out of memory: the workload or the mapper's search is larger than this machine holds. "
              "Expected sizes within the limits accelsim/limits.py states (README: Faults, limits and outputs); "
              "found a run that needs more memory than is free.", file=sys.stderr)
        return EXIT_USER_ERROR


def _no_empty_values(args: argparse.Namespace) -> None:
    """``--dataflow ''`` or ``--csv ''`` is a mistake, not 'the default'."""
    for key, value in vars(args).items():
        if isinstance(value, str) and not value.strip() and key not in ("func",):
            raise AccelsimError("an empty value", where=f"--{key.replace('_', '-')}" if key not in _POSITIONAL else key,
                                expected="a value (leave the option out for its default)", found=value)


_POSITIONAL = ("workload", "hardware", "config", "result", "topology", "assignment", "submission", "inputs")


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's own flush at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
