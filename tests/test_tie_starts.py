"""The full search's tie starts (mapping/full.py: _tied_variants): the pick's RF variants
whose objective ties with the pick's, one per distinct secondary score, the lowest first —
re-derived here from the engine's full evaluation (evaluate.evaluate: LayerCost's cycles and
summed energy), not from the search's score."""
from __future__ import annotations

from accelsim.dataflow import dataflow_for
from accelsim.engine.evaluate import evaluate
from accelsim.engine.problem import Problem
from accelsim.hardware import load_hardware
from accelsim.mapping import full as F
from accelsim.mapping import search as S
from accelsim.mapping import space as SP
from accelsim.workload.zoo import build

from conftest import REPO


def _conv1() -> tuple[Problem, object, object]:
    spec = load_hardware(REPO / "hw_configs/eyeriss.yaml")
    df = dataflow_for("ws", spec.array.kind)
    p = Problem.from_shape(next(l.shape for l in build("alexnet").layers if l.name == "conv1"), 1)
    return p, spec, df


def test_tie_starts_are_the_lowest_distinct_energies_among_equal_cycles() -> None:
    """AlexNet conv1 on eyeriss/ws, latency: the pick's RF orders and keep levels tie on
    cycles (the plateau strict descent cannot choose from); the tie starts are the ties of
    the TIE_STARTS lowest distinct energies other than the pick's, each the first in
    rf_variants' order (one RF loop per dim: no split nests), in that order."""
    p, spec, df = _conv1()
    seed = S.search_mapping(p, spec, df, "latency")
    got = F._tied_variants(p, spec, df, seed, F._Objective(p, spec, df, "latency"))
    ref = evaluate(p, spec, df, seed)
    key = lambda e: round(e / ref.total_energy, 9)  # noqa: E731  (fsum vs dot: equal to ~1e-15)
    first: dict[float, object] = {}
    for v in SP.rf_variants(p, spec, df, seed, max_splits=0):
        c = evaluate(p, spec, df, v)
        if v != seed and c.cycles == ref.cycles:
            first.setdefault(key(c.total_energy), v)
    first.pop(key(ref.total_energy), None)
    assert len(first) > F.TIE_STARTS  # a plateau wider than the starts taken
    assert got == [first[k] for k in sorted(first)[: F.TIE_STARTS]]


def test_tie_starts_only_for_latency() -> None:
    """Energy and EDP take no tie starts."""
    p, spec, df = _conv1()
    for objective in ("energy", "edp"):
        seed = S.search_mapping(p, spec, df, objective)
        assert F._tied_variants(p, spec, df, seed, F._Objective(p, spec, df, objective)) == []
