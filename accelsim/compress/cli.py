"""``accelsim info W --compress F [--json [FILE]]``: the stored model size per layer and in total."""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .loader import load_compression, network_compression
from .size import ModelSize, model_size

if TYPE_CHECKING:
    from ..workload import Network


def _mb(bits: float) -> str:
    return f"{bits / 8e6:,.3f}"


def print_model_size(ms: ModelSize, no_color: bool = False) -> None:
    from rich.table import Table

    from ..console import console as _console

    console = _console(no_color)
    t = ms.totals()
    table = Table(title=f"{ms.workload} compressed by {ms.compression}: stored model size, sizes in MB (10^6 bytes)",
                  show_footer=True, title_justify="left")
    table.add_column("layer", footer="total")
    table.add_column("weights", justify="right", footer=f"{t['weights']:,}")
    table.add_column("kept", justify="right", footer=f"{t['nonzeros'] / t['weights']:.1%}" if t["weights"] else "")
    table.add_column("bits", justify="right")
    table.add_column("fillers", justify="right", footer=f"{t['fillers']:,.0f}")
    for head, key in (("payload", "payload_bits"), ("index", "index_bits_total"), ("filler", "filler_bits"),
                      ("codebook", "codebook_bits"), ("bias", "bias_bits")):
        table.add_column(head, justify="right", footer=_mb(t[key]))
    table.add_column("stored", justify="right", footer=f"{t['model_bytes'] / 1e6:,.3f}")
    table.add_column("fp32", justify="right", footer=f"{t['model_bytes_dense_fp32'] / 1e6:,.3f}")
    table.add_column("share", justify="right", footer=f"{t['share_of_dense_fp32']:.2%}")
    for l in ms.layers:
        fmt = {"relative": f"{l.bits}+{l.index_bits}", "nm": f"{l.bits}+{l.index_bits} N:M", "dense": f"{l.bits}", "none": "-"}[l.format]
        table.add_row(
            l.name, f"{l.weights:,}", f"{l.nonzeros / l.weights:.1%}" if l.weights else "-", fmt,
            f"{'' if l.exact else '~'}{l.fillers:,.0f}", _mb(l.payload_bits), _mb(l.index_bits_total), _mb(l.filler_bits),
            _mb(l.codebook_bits), _mb(l.bias_bits), _mb(l.total_bits), _mb(l.dense_fp32_bits), f"{l.share:.2%}",
        )
    console.print(table)
    console.print(
        f"{ms.workload}: {t['model_bytes_dense_fp32'] / 1e6:,.1f} MB at fp32 -> {t['model_bytes'] / 1e6:,.2f} MB stored "
        f"({t['share_of_dense_fp32']:.2%}, {t['compression_ratio']:.1f}x smaller). Source: {ms.source or 'not stated'}."
    )
    console.print(
        "bits: weight bits + relative-index bits (plain: stored dense). Payload = non-zeros x bits; a zero run longer "
        "than the index can say costs filler entries; codebook once per layer; biases at 32 bits; "
        "'~': expected for uniformly random zeros (docs/compression.md); no Huffman coding.",
        style="dim",
    )


def cmd_info_compress(net: "Network", args: argparse.Namespace) -> int:
    """The size table (or JSON) of ``net`` under ``--compress`` (else the workload's own stated compression)."""
    from ..console import emit_json

    comp = load_compression(args.compress, net) if args.compress else network_compression(net)
    assert comp is not None
    ms = model_size(net, comp)
    if args.json is not None:
        emit_json(ms.to_dict(), args.json)
        if args.json != "-":
            print(f"wrote {args.json}", file=sys.stderr)
        return 0
    print_model_size(ms, args.no_color)
    return 0
