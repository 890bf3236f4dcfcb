"""Figures to bytes and files: PNG and SVG, every file written atomically.

Everything is rendered in memory first and written after, each file to a temporary name
and renamed into place: an error leaves no half-written file behind.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from matplotlib.figure import Figure

from ..errors import AccelsimError
from ..yamlio import atomic_write_bytes

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
    """Write already-rendered files into ``out``, each atomically; returns their paths."""
    paths = []
    for name, content in files.items():
        p = Path(out) / name
        try:
            atomic_write_bytes(p, content.encode("utf-8") if isinstance(content, str) else content)
        except OSError as exc:
            raise AccelsimError("cannot write the output", where=str(p), expected="a writable folder",
                                found=exc.strerror or str(exc)) from None
        paths.append(p)
    return paths
