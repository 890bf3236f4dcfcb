"""``accelsim reproduce [NAME ...] [--json [FILE]] [--figures DIR] [--write-docs DIR]``."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..console import console as _console
from ..console import emit_json as _emit_json

if TYPE_CHECKING:
    from rich.console import Console

    from .claim import Section


def _fmt(x: Any) -> str:
    if isinstance(x, str):
        return x
    if x is None:
        return "-"
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 1000:
        return f"{int(x):,}"
    return f"{x:.4g}"


def print_sections(sections: "list[Section]", console: "Console") -> None:
    from rich.table import Table

    for s in sections:
        t = Table(title=s.title, title_justify="left")
        for c in ("claim", "paper", "accelsim", "unit", "ratio", "tolerance", "pass"):
            t.add_column(c, justify="left" if c in ("claim", "unit", "tolerance") else "right")
        for c in s.claims:
            verdict = "-" if c.ok is None else ("pass" if c.ok else "FAIL")
            t.add_row(c.claim, _fmt(c.paper), _fmt(c.accelsim), c.unit, "-" if c.ratio is None else f"{c.ratio:.3f}",
                      c.tolerance, verdict, style=None if c.ok is not False else "red")
        console.print(t)
        for c in s.claims:
            if c.note:
                console.print(f"  [{c.id}] {c.note}", highlight=False)
        for title, head, rows in s.tables:
            tt = Table(title=title, title_justify="left")
            for h in head:
                tt.add_column(h, justify="right")
            for r in rows:
                tt.add_row(*(_fmt(v) for v in r))
            console.print(tt)
        console.print()
    n = sum(1 for s in sections for c in s.claims if c.ok is not None)
    ok = sum(1 for s in sections for c in s.claims if c.ok)
    console.print(f"{ok} of {n} claims within their tolerance.")


def cmd_reproduce(args: argparse.Namespace) -> int:
    from . import run_claims

    sections = run_claims(args.names or ["all"])
    if args.figures or args.write_docs:
        from .docs import write_docs
        from .figures import write_figures

        if args.write_docs:
            write_docs(sections, args.write_docs)
        else:
            write_figures(sections, args.figures)
    if args.json is not None:
        _emit_json({"claims": [c.to_dict() for s in sections for c in s.claims]}, args.json)
    else:
        print_sections(sections, _console(args.no_color))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from . import SECTIONS

    p = sub.add_parser("reproduce", parents=[common], help="published results (Eyeriss, the course's claims) side by side with accelsim's")
    p.add_argument("names", nargs="*", metavar="NAME", help="one or more of " + ", ".join(SECTIONS) + ", or all (default)")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write the claims as JSON (to stdout, or to FILE)")
    p.add_argument("--figures", metavar="DIR", help="write the figures (PNG) into DIR")
    p.add_argument("--write-docs", metavar="DIR", help="write DIR/reproduction.md and its figures under DIR/figures/")
    p.set_defaults(func=cmd_reproduce)
