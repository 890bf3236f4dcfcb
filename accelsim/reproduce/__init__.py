"""Published results reproduced from accelsim's own model (``accelsim reproduce``).

Each claim module has ``section() -> Section``: the paper's numbers (with the source
cited), accelsim's, the ratio and pass/fail, plus the tables and the docs paragraph behind
them. :func:`run_claims` runs some or all of them; the CLI (:mod:`.cli`) and the docs
generator (:mod:`.docs`) wrap it.
"""
from __future__ import annotations

import importlib

from ..errors import AccelsimError, did_you_mean
from .claim import ClaimResult, Section

SECTIONS: dict[str, str] = {
    "nlr-alexnet": "nlr_alexnet",
    "ideal": "best_case",
    "eyeriss": "eyeriss",
    "dataflows": "dataflows",
    "googlenet-breakdown": "breakdown",
    "weights-vs-energy": "weights_energy",
    "shufflenet": "shufflenet",
    "timeloop": "timeloop",
    "compression": "compression",
    "sparsity": "sparsity",
}
"""``accelsim reproduce NAME`` → the module of that claim (``all`` runs every one)."""


def section(name: str) -> Section:
    if name not in SECTIONS:
        raise AccelsimError(
            f"no claim '{name}'{did_you_mean(name, SECTIONS)}",
            where="accelsim reproduce",
            expected="one of " + ", ".join(SECTIONS) + " or all",
            found=name,
        )
    return importlib.import_module(f".{SECTIONS[name]}", __name__).section()


def run_claims(names: list[str] | tuple[str, ...] | str = "all") -> list[Section]:
    """The sections named (``"all"``: every one), in the registry's order."""
    if isinstance(names, str):
        names = [names]
    wanted = list(SECTIONS) if "all" in names else list(names)
    for n in wanted:
        if n not in SECTIONS:
            section(n)  # raises the error naming the choices
    return [section(n) for n in wanted]


__all__ = ["SECTIONS", "ClaimResult", "Section", "run_claims", "section"]
