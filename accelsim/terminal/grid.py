"""A plain text table: columns as wide as their widest cell, never cut, never wrapped.

rich's tables shrink columns to the terminal and cut cells with an ellipsis; these tables
are chosen to fit instead (see run_view.choose_columns) and print whole.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence

SEP = "  "


def widths(cells: Sequence[Sequence[str]]) -> list[int]:
    return [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]


def line_width(ws: Sequence[int]) -> int:
    return sum(ws) + len(SEP) * (len(ws) - 1)


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], left: Collection[int] = (0,),
         footer: Sequence[str] | None = None) -> list[str]:
    """Header, a rule, the rows, and (if given) a rule and the footer; left-aligned
    columns by index, the others right-aligned."""
    cells = [list(header), *map(list, rows)] + ([list(footer)] if footer is not None else [])
    ws = widths(cells)

    def line(row: Sequence[str]) -> str:
        return SEP.join(v.ljust(w) if j in left else v.rjust(w) for j, (v, w) in enumerate(zip(row, ws))).rstrip()

    rule = "─" * line_width(ws)
    out = [line(header), rule, *(line(r) for r in rows)]
    if footer is not None:
        out += [rule, line(footer)]
    return out
