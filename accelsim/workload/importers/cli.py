"""``accelsim import onnx MODEL.onnx -o OUT.yaml`` (also ``accelsim import MODEL.onnx …``) and
``accelsim export W --format onnx|scalesim|timeloop -o DIR``."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ...console import console as _console


def cmd_import_onnx(args: argparse.Namespace) -> int:
    from ...cli import _parse_shape
    from ...yamlio import atomic_write_text
    from ..loader import network_to_yaml
    from .onnx import import_onnx

    net = import_onnx(args.model, input_shape=_parse_shape(args.input_shape), skip_unsupported=args.skip_unsupported,
                      name=args.name)
    header = f"Imported from {args.model} by accelsim import ({net.description}).\n" + "".join(f"note: {n}\n" for n in net.notes)
    out = Path(args.output)
    if out.is_dir():
        out = out / f"{net.name}.yaml"
    atomic_write_text(out, network_to_yaml(net, header))
    t = net.totals()
    console = _console(args.no_color)
    console.print(f"wrote {out}: {t['layers']} layers, {t['macs']:,} MACs, {t['params']:,} parameters "
                  f"({t['weights']:,} weights, {t['biases']:,} biases, {t['bn_params']:,} batch-norm)", markup=False)
    for n in net.notes:
        console.print(f"note: {n}", markup=False)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ...cli import _onnx_options
    from ...paths import resolve_workload
    from ..exporters import export

    net = resolve_workload(args.workload, **_onnx_options(args))
    files, notes = export(net, args.format, args.output)
    console = _console(args.no_color)
    where = files[0] if len(files) == 1 else f"{len(files)} files in {args.output}"
    console.print(f"wrote {where} ({args.format}, {net.name})", markup=False)
    for n in notes:
        console.print(f"note: {n}", markup=False)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from ...cli import _add_onnx_args
    from ...scalesim.cli import _subparsers_of

    imp_sub = _subparsers_of(sub.choices["import"], "import_command", "FORMAT")  # 'import' is made by scalesim.cli.register
    p = imp_sub.add_parser("onnx", parents=[common], help="an ONNX model as accelsim workload YAML (also: accelsim import MODEL.onnx -o OUT.yaml)")
    p.add_argument("model", help="the .onnx file")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the workload YAML to write (or a directory)")
    p.add_argument("--name", help="the workload's name (default: the file's stem)")
    p.add_argument("--input-shape", metavar="N,C,H,W", help="the input shape, where the file leaves it dynamic (e.g. 1,3,224,224)")
    p.add_argument("--skip-unsupported", action="store_true", help="import unsupported nodes as data movement on the SIMD unit")
    p.set_defaults(func=cmd_import_onnx)

    from ..exporters import FORMATS

    p = sub.add_parser("export", parents=[common], help="a workload in a peer's format: ONNX, SCALE-Sim topology, Timeloop problems")
    p.add_argument("workload", help="a workload YAML, an ONNX model or a zoo name")
    p.add_argument("--format", required=True, choices=FORMATS, help="onnx (graph, no weights), scalesim (topology CSV), timeloop (one problem per layer)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the directory to write into")
    _add_onnx_args(p)
    p.set_defaults(func=cmd_export)
