"""Output shared by every command: a rich console, JSON to stdout or a file, numbers with SI prefixes."""
from __future__ import annotations

import json
import os
import sys
from typing import Any

from rich.console import Console

from .yamlio import atomic_write_text


def console(no_color: bool = False) -> Console:
    # A pipe gets a wide page rather than rich's 80 columns, so tables stay whole, unless
    # COLUMNS says how wide it is.
    cols = os.environ.get("COLUMNS", "")
    wide = None if sys.stdout.isatty() else int(cols) if cols.isdigit() and int(cols) >= 40 else 240
    return Console(width=wide, no_color=no_color, highlight=False, soft_wrap=False)


def wrote(path: object, what: str, quiet: bool = False) -> None:
    """Say on stderr where a command wrote a file (every command that writes says so)."""
    if not quiet:
        print(f"accelsim: wrote {what} to {path}", file=sys.stderr)


def emit_json(data: Any, target: str | None, quiet: bool = False) -> None:
    """JSON to stdout (target None or '-') or, atomically, to a file (and say so on stderr)."""
    text = json.dumps(data, indent=1) + "\n"
    if target in (None, "-"):
        sys.stdout.write(text)
    else:
        atomic_write_text(target, text)
        wrote(target, "the JSON", quiet)


def si(x: float) -> str:
    """A number with an SI prefix: 1.23 G, 456 k."""
    for div, sym in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:.3g} {sym}"
    return f"{x:.3g}" if isinstance(x, float) and not float(x).is_integer() else f"{int(x)}"
