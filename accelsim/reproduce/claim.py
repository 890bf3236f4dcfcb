"""A reproduced claim: the paper's number, accelsim's, the ratio and whether it passes.

One :class:`ClaimResult` is one row of ``accelsim reproduce`` and one entry of its JSON
(DESIGN.md: ``{"claims": [{"id", "claim", "source", "paper", "accelsim", "unit", "ratio",
"tolerance", "pass"}]}``). ``paper`` is a number, or a short text where the paper states
a range or an inequality; ``ratio`` is accelsim / paper where both are numbers; ``ok`` is
True or False, or None for a figure reported without a test.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClaimResult:
    id: str
    claim: str
    source: str
    paper: float | str
    accelsim: float
    unit: str
    tolerance: str
    ok: bool | None
    ratio: float | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "claim": self.claim,
            "source": self.source,
            "paper": self.paper,
            "accelsim": self.accelsim,
            "unit": self.unit,
            "ratio": self.ratio,
            "tolerance": self.tolerance,
            "pass": self.ok,
            "note": self.note,
        }


def within_factor(id: str, claim: str, source: str, paper: float, ours: float, unit: str, factor: float, note: str = "") -> ClaimResult:
    """Passes when ours / paper lies in [1/factor, factor]."""
    ratio = ours / paper
    return ClaimResult(id, claim, source, paper, ours, unit, f"within ×{factor:g}", 1 / factor <= ratio <= factor, ratio, note)


def within_share(id: str, claim: str, source: str, paper: float, ours: float, unit: str, share: float, note: str = "") -> ClaimResult:
    """Passes when |ours / paper − 1| ≤ share."""
    ratio = ours / paper
    return ClaimResult(id, claim, source, paper, ours, unit, f"within ±{share:.1%}" if share < 0.01 else f"within ±{share:.0%}", abs(ratio - 1) <= share, ratio, note)


@dataclass(frozen=True)
class Section:
    """The claims of one ``accelsim reproduce NAME``, with the tables and figures behind them."""

    name: str
    title: str
    claims: tuple[ClaimResult, ...]
    tables: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...] = ()  # (title, header, rows)
    text: str = ""  # the docs paragraph: what is compared, and why anything is off
