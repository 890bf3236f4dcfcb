"""Autograder of assignment 4 (design-space exploration). Truth: the storage closed form,
the grid enumerated here, accelsim's runs of the design points (a "use the tool" task),
and the Pareto front and the energy-delay optimum found by brute force here."""
from __future__ import annotations

import itertools
import math

import accelsim
from accelsim.teach.checks import call, expect, fixture, submission

RF_BYTES = {"small": 32 * 1 + 8 * 1 + 8 * 4, "large": 128 * 1 + 32 * 1 + 32 * 4}  # INT8 weight, ifmap; 32-bit psum


@fixture
def sub():
    return submission("dse")


@fixture
def results(sub):
    return call(sub.explore, sub.BUDGET_BYTES)


def storage(rows, cols, rf, glb):
    return rows * cols * RF_BYTES[rf] + glb * 1024


def check_storage_bytes(sub):
    for rows, cols, rf, glb in itertools.product((8, 16), (8, 16), ("small", "large"), (32, 64, 128)):
        got = call(sub.storage_bytes, rows, cols, rf, glb)
        expect(got == storage(rows, cols, rf, glb), f"storage_bytes{(rows, cols, rf, glb)} is wrong "
               "(RF words times their width: psums are 4 bytes here)", expected=storage(rows, cols, rf, glb), found=got)


def check_feasible_points(sub):
    want = {(r, c, rf, g) for (r, c) in ((8, 8), (16, 16)) for rf in ("small", "large") for g in (32, 64, 128)
            if storage(r, c, rf, g) <= 100 * 1024}
    got = set(map(tuple, call(sub.feasible_points, 100 * 1024)))
    expect(got == want, f"feasible_points(100 KiB) is wrong: {len(want - got)} feasible points missing, "
           f"{len(got - want)} listed that do not fit (check storage_bytes against the budget)",
           expected=sorted(want), found=sorted(got))


def check_evaluate_matches_accelsim(sub, results):
    expect(set(results) == {tuple(p) for p in call(sub.feasible_points, sub.BUDGET_BYTES)},
           "explore() must evaluate every feasible point")
    for point in sorted(results)[:2]:
        t = accelsim.run(sub.WORKLOAD, sub.make_config(*point)).totals()
        e, c = results[point]
        expect(math.isclose(e, t["energy_total"], rel_tol=1e-9) and c == t["cycles"],
               f"{point}: your energy and cycles differ from accelsim's run of make_config{point}",
               expected=(t["energy_total"], t["cycles"]), found=(e, c))


def brute_front(results):
    return {p for p, (e, c) in results.items()
            if not any(e2 <= e and c2 <= c and (e2, c2) != (e, c) for e2, c2 in results.values())}


def check_pareto_front_and_best_edp(sub, results):
    synthetic = {("a",): (1.0, 10), ("b",): (2.0, 5), ("c",): (2.0, 10), ("d",): (3.0, 1), ("e",): (1.5, 10), ("f",): (1.0, 10)}
    for data in (synthetic, results):
        got = set(map(tuple, call(sub.pareto_front, data)))
        want = brute_front(data)
        what = "the grader's small example" if data is synthetic else "your explored points"
        expect(got == want, f"pareto_front of {what} is wrong: {len(want - got)} points missing, {len(got - want)} "
               "too many (a point is on it if no other is at least as good in both and better in one)",
               expected=sorted(want), found=sorted(got))
        best = min(data, key=lambda p: data[p][0] * data[p][1])
        got = tuple(call(sub.best_edp, data))
        expect(got == best, f"best_edp of {what} is not the point of least energy x cycles", expected=best, found=got)


def check_plot(sub, results, tmp_path):
    path = tmp_path / "front.png"
    call(sub.plot_front, results, call(sub.pareto_front, results), path)
    expect(path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "plot_front must save a PNG file at the path given")
