"""``--search N``: model-based search for the best design under the constraints, in N designs.

Optuna's TPE sampler (Bergstra et al., NeurIPS 2011; the optional extra
``accelsim[search]``), seeded with the spec's ``seed``, proposes one position per axis; a
proposal that breaks a constraint is told as failed without running anything, and so is
one whose values do not make a valid config. A design's score is the sum, over workloads,
batch sizes and compression files, of the objective under its best dataflow. Proposals go
out as many at a time as the backend runs at once; a design proposed again is told its
known score. At most ``20 · N`` proposals are made, so a nearly infeasible space ends.
"""
from __future__ import annotations

import math
from typing import Any

from ..errors import AccelsimError
from .designs import index_of
from .runner import Backend, Design, Planner, Progress, design, execute_all, feasible
from .spec import SweepSpec
from .store import Store

METRIC = {"energy": "energy", "latency": "latency_s", "edp": "edp"}
MAX_PROPOSALS_PER_DESIGN = 20


def score(spec: SweepSpec, planner: Planner, d: Design, outcomes: dict[str, dict[str, Any]]) -> float | None:
    """Σ over (workload, batch, compression) of min over dataflows of the objective; None if a task failed."""
    best: dict[tuple[str, int, str], float] = {}
    for t in planner.tasks(d):
        o = outcomes[t.key]
        if o.get("error"):
            return None
        k = (t.workload, t.batch, t.compress)
        best[k] = min(best.get(k, math.inf), float(o[METRIC[spec.objective]]))
    return math.fsum(best.values())


def check_search(spec: SweepSpec, n: int) -> None:
    """Refuse a search that cannot run before anything is started or written."""
    import importlib.util

    if importlib.util.find_spec("optuna") is None:
        raise AccelsimError("--search needs optuna, which is not installed", where="--search",
                            expected="pip install 'accelsim[search]'", found=n)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise AccelsimError("not a number of designs", where="--search", expected="an integer >= 1", found=n)
    if not spec.axes:
        raise AccelsimError("nothing to search: the spec has no axes", file=spec.file, where="axes",
                            expected="at least one axis", found={})


def search_designs(spec: SweepSpec, planner: Planner, store: Store, backend: Backend, n: int, progress: Progress | None):
    import optuna
    from optuna.distributions import CategoricalDistribution
    from optuna.trial import TrialState

    check_search(spec, n)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=spec.seed))
    space = {a.path: CategoricalDistribution(list(range(len(a.values)))) for a in spec.axes}
    n = min(n, spec.grid_size)
    per_design = len(spec.workloads) * len(spec.dataflows) * len(spec.batches) * len(spec.compress)
    total = n * per_design
    evaluated: dict[int, Design] = {}
    scores: dict[int, float | None] = {}
    outcomes: dict[str, dict[str, Any]] = {}
    excluded: set[int] = set()
    reused = ran = 0
    peaks: dict[int, float] = {}
    proposals = 0
    while len(evaluated) < n and proposals < MAX_PROPOSALS_PER_DESIGN * n:
        batch: list[tuple[Any, Design]] = []
        for _ in range(min(backend.parallel, n - len(evaluated))):
            trial = study.ask(space)
            proposals += 1
            d = design(spec, index_of(spec, tuple(trial.params[a.path] for a in spec.axes)))
            if d.index in scores:
                _tell(study, trial, scores[d.index], TrialState)
            elif d.figures is None or not feasible(spec, d):
                excluded.add(d.index)
                study.tell(trial, state=TrialState.FAIL)
            else:
                batch.append((trial, d))
        fresh = list({d.index: d for _, d in batch}.values())
        if fresh:
            tasks = [t for d in fresh for t in planner.tasks(d)]
            got, r, k, p = execute_all(store, backend, tasks, progress, done=len(evaluated) * per_design, total=total)
            outcomes.update(got)
            reused, ran = reused + r, ran + k
            for pid, mb in p.items():
                peaks[pid] = max(peaks.get(pid, 0.0), mb)
            for d in fresh:
                evaluated[d.index] = d
                scores[d.index] = score(spec, planner, d, outcomes)
        for trial, d in batch:
            _tell(study, trial, scores[d.index], TrialState)
    if not evaluated:
        raise AccelsimError(f"the search found no design that meets the constraints in {proposals} proposals",
                            file=spec.file, where="constraints", expected="constraints some design of the grid meets",
                            found=[c.text for c in spec.constraints])
    return sorted(evaluated.values(), key=lambda d: d.index), len(excluded), outcomes, reused, ran, peaks


def _tell(study: Any, trial: Any, value: float | None, states: Any) -> None:
    if value is None:
        study.tell(trial, state=states.FAIL)
    else:
        study.tell(trial, value)
