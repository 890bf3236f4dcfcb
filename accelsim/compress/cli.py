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
    rows = ms.layers
    cols: list[tuple[str, list[str], str, bool]] = [  # (header, cells, footer, always shown)
        ("layer", [l.name for l in rows], "total", True),
        ("weights", [f"{l.weights:,}" for l in rows], f"{t['weights']:,}", True),
        ("kept", [f"{l.nonzeros / l.weights:.1%}" if l.weights else "-" for l in rows],
         f"{t['nonzeros'] / t['weights']:.1%}" if t["weights"] else "", True),
        ("bits", [{"relative": f"{l.bits}+{l.index_bits}", "nm": f"{l.bits}+{l.index_bits} N:M", "dense": f"{l.bits}",
                   "none": "-"}[l.format] for l in rows], "", True),
    ]
    for head, key in (("payload", "payload_bits"), ("index", "index_bits_total"), ("fillers", "filler_bits"),
                      ("codebook", "codebook_bits"), ("bias", "bias_bits")):
        approx = [("" if l.exact or head != "fillers" else "~") for l in rows]
        cols.append((head, [a + _mb(getattr(l, key)) for a, l in zip(approx, rows)], _mb(t[key]), head in ("payload", "bias") or bool(t[key])))
    cols += [
        ("stored", [_mb(l.total_bits) for l in rows], f"{t['model_bytes'] / 1e6:,.3f}", True),
        ("fp32", [_mb(l.dense_fp32_bits) for l in rows], f"{t['model_bytes_dense_fp32'] / 1e6:,.3f}", True),
        ("share", [f"{l.share:.2%}" for l in rows], f"{t['share_of_dense_fp32']:.2%}", True),
    ]
    cols = [c for c in cols if c[3]]  # a column of zeros (no fillers, no codebook) says nothing
    table = Table(title=f"{ms.workload} compressed by {ms.compression}: stored model size, sizes in MB (10^6 bytes)",
                  show_footer=True, title_justify="left")
    for i, (head, _, foot, _) in enumerate(cols):
        table.add_column(head, footer=foot, justify="left" if i == 0 else "right", no_wrap=True, overflow="fold")
    for r in range(len(rows)):
        table.add_row(*(c[1][r] for c in cols))
    console.print(table)
    console.print(
        f"{ms.workload}: {t['model_bytes_dense_fp32'] / 1e6:,.1f} MB at fp32 -> {t['model_bytes'] / 1e6:,.2f} MB stored "
        f"({t['share_of_dense_fp32']:.2%}, {t['compression_ratio']:.1f}x smaller). Source: {ms.source or 'not stated'}."
    )
    console.print(
        "bits: weight bits + relative-index bits (plain: stored dense). Payload = non-zeros x bits; a zero run longer "
        "than the index can say costs filler entries (bits + index bits each); codebook once per layer; biases at 32 bits; "
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
