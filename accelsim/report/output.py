"""Figures to bytes and files: PNG and SVG, every file written atomically.

Everything is rendered in memory first and written after, each file to a temporary name
and renamed into place: an error leaves no half-written file behind (:mod:`accelsim.writing`).
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from matplotlib.figure import Figure

from ..writing import Outputs

FORMATS: tuple[str, ...] = ("png", "svg")


def render(fig: Figure, fmt: str, dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    # A fixed date and no random ids keep SVGs the same from run to run.
    meta = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


def render_all(figs: Mapping[str, Figure], formats: Iterable[str] = FORMATS, dpi: int = 110) -> dict[str, bytes]:
    """``{stem.fmt: bytes}`` for every figure and format."""
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "accelsim", "svg.fonttype": "path"}):
        return {f"{stem}.{fmt}": render(fig, fmt, dpi) for stem, fig in figs.items() for fmt in formats}


def write_files(out: str | os.PathLike[str], files: Mapping[str, bytes | str]) -> list[Path]:
    """Write already-rendered files into a folder that holds other things too (``docs/``),
    each file whole; every file is staged before any is renamed into place. Returns their paths.
    (A folder of accelsim's own — ``--out`` — is swapped in whole: :func:`accelsim.writing.Outputs.folder`.)"""
    outputs = Outputs()
    for name, content in files.items():
        outputs.file(Path(out) / name, content)
    return outputs.write()
