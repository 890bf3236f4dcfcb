"""A plain-text table in one pass: for long tables (``accelsim info`` of 5,000 layers) where
rich's measuring of every cell costs seconds. Columns as wide as their widest cell, numbers
right-aligned, a rule under the header and above the totals; linear in rows × columns."""
from __future__ import annotations

from collections.abc import Sequence


def plain_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    footer: Sequence[str] | None = None,
    right: Sequence[bool] | None = None,
    title: str = "",
    gap: str = "  ",
) -> str:
    """The table as text, one line per row, ending in a newline."""
    n = len(headers)
    right = list(right) if right is not None else [False] * n
    every = [headers, *rows, *([footer] if footer else [])]
    widths = [max(len(r[i]) for r in every) for i in range(n)]

    def line(cells: Sequence[str]) -> str:
        return gap.join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()

    rule = gap.join("─" * w for w in widths)
    out = [title] if title else []
    out += [line(headers), rule]
    out += [line(r) for r in rows]
    if footer:
        out += [rule, line(footer)]
    return "\n".join(out) + "\n"
