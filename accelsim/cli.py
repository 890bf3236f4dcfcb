"""The ``accelsim`` command: a thin layer over the Python API.

Every error in the user's input is an :class:`~accelsim.errors.AccelsimError`; it is
printed as one paragraph on stderr and the command exits with status 2, without a
traceback and without leaving partial output files.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import AccelsimError
from .paths import resolve_hardware_path, resolve_workload, shipped_hardware
from .workload.summary import network_summary
from .workload.zoo import ZOO, build
from .yamlio import atomic_write_text

EXIT_USER_ERROR = 2


def _console(no_color: bool = False) -> Console:
    # A pipe gets a wide page rather than rich's 80 columns, so tables stay whole.
    wide = None if sys.stdout.isatty() else 240
    return Console(width=wide, no_color=no_color, highlight=False, soft_wrap=False)


def _n(x: int) -> str:
    return f"{x:,}"


def _emit_json(data: Any, target: str | None) -> None:
    text = json.dumps(data, indent=1) + "\n"
    if target in (None, "-"):
        sys.stdout.write(text)
    else:
        atomic_write_text(target, text)


# ---------------------------------------------------------------- info


def cmd_info(args: argparse.Namespace) -> int:
    net = resolve_workload(args.workload)
    summary = network_summary(net)
    if args.json is not None:
        _emit_json(summary, args.json)
        return 0
    console = _console(args.no_color)
    table = Table(title=f"{net.name}: {net.description}" if net.description else net.name, show_footer=True)
    dims = "NMCHWRSEFUG"
    totals = summary["totals"]
    table.add_column("layer", footer="total")
    table.add_column("type")
    for d in dims:
        table.add_column(d, justify="right")
    table.add_column("MACs", justify="right", footer=_n(totals["macs"]))
    table.add_column("ops", justify="right", footer=_n(totals["ops"]))
    table.add_column("params", justify="right", footer=_n(totals["params"]))
    table.add_column("ifmap", justify="right")
    table.add_column("ofmap", justify="right")
    table.add_column("weights", justify="right", footer=_n(totals["weights"]))
    for row in summary["layers"]:
        s = row["shape"]
        table.add_row(
            row["name"],
            row["type"],
            *(str(s[d]) for d in dims),
            _n(row["macs"]),
            _n(row["ops"]),
            _n(row["params"]),
            _n(row["ifmap_size"]),
            _n(row["ofmap_size"]),
            _n(row["weight_size"]),
        )
    console.print(table)
    console.print(
        f"{totals['layers']} layers; {_n(totals['macs'])} MACs; {_n(totals['params'])} parameters "
        f"({_n(totals['weights'])} weights, {_n(totals['biases'])} biases, {_n(totals['bn_params'])} batch-norm); "
        f"{_n(totals['ops'])} other operations. Sizes in elements, batch 1."
    )
    return 0


# ---------------------------------------------------------------- list


def cmd_list(args: argparse.Namespace) -> int:
    from .hardware import load_hardware

    console = _console(args.no_color)
    nets = Table(title="Workloads (the zoo: workloads/<name>.yaml)")
    for col in ("name", "MACs", "params", "description"):
        nets.add_column(col, justify="right" if col in ("MACs", "params") else "left")
    for name in ZOO:
        net = build(name)
        t = net.totals()
        nets.add_row(name, _n(t["macs"]), _n(t["params"]), net.description)
    console.print(nets)
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

    spec = load_hardware(resolve_hardware_path(args.config))
    if args.json is not None:
        _emit_json({"hardware": spec.name, "derived": derived(spec)}, args.json)
    else:
        _console(args.no_color).print(describe(spec), markup=False)
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
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
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("list", parents=[common], help="the model zoo and the shipped hardware configs")
    p.set_defaults(func=cmd_list)

    hw = sub.add_parser("hw", help="hardware configs")
    hwsub = hw.add_subparsers(dest="hw_command", metavar="COMMAND")
    p = hwsub.add_parser("show", parents=[common], help="a config with derived figures (peak, storage, ridge point)")
    p.add_argument("config", help="a hardware YAML file or a shipped name")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write JSON (to stdout, or to FILE)")
    p.set_defaults(func=cmd_hw_show)
    hw.set_defaults(func=lambda a: (hw.print_help(), EXIT_USER_ERROR)[1])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.func(args) or 0)
    except AccelsimError as exc:
        print(f"accelsim: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
