"""accelsim networks out, in other tools' formats, to cross-check with peers.

- :func:`.onnx.to_onnx`: an ONNX graph of the network without weights (typed inputs);
- :func:`.scalesim.to_scalesim`: a SCALE-Sim topology CSV of the conv and fc layers;
- :func:`.timeloop.to_timeloop`: one Timeloop problem YAML per conv or fc layer.

:func:`export` writes one of them into a directory (``accelsim export W --format F -o DIR``).
"""
from __future__ import annotations

import os
from pathlib import Path

from ...errors import AccelsimError
from ...yamlio import atomic_write_bytes, atomic_write_text
from ..network import Network

FORMATS = ("onnx", "scalesim", "timeloop")


def export(net: Network, fmt: str, directory: str | os.PathLike[str]) -> tuple[list[Path], list[str]]:
    """Write ``net`` in format ``fmt`` into ``directory``; the files written and the notes
    (what was skipped, and why). Everything is rendered in memory before the first write."""
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise AccelsimError("not a directory", file=str(out), where="-o", expected="a directory to write into")
    if fmt == "onnx":
        from .onnx import to_onnx_bytes

        data, notes = to_onnx_bytes(net)
        files: dict[str, bytes | str] = {f"{net.name}.onnx": data}
    elif fmt == "scalesim":
        from .scalesim import to_scalesim

        text, notes = to_scalesim(net)
        files = {f"{net.name}.csv": text}
    elif fmt == "timeloop":
        from .timeloop import to_timeloop

        problems, notes = to_timeloop(net)
        files = dict(problems)
    else:
        raise AccelsimError(f"unknown export format '{fmt}'", where="--format", expected="one of " + ", ".join(FORMATS), found=fmt)
    written = []
    for name, content in files.items():
        path = out / name
        if isinstance(content, bytes):
            atomic_write_bytes(path, content)
        else:
            atomic_write_text(path, content)
        written.append(path)
    return written, notes


__all__ = ["FORMATS", "export"]
