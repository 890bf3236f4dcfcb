"""Autograder of assignment 4 (design-space exploration). Truth: the storage closed form,
the grid enumerated here, accelsim's runs of the design points (a "use the tool" task),
and the Pareto front and the energy-delay optimum found by brute force here."""
from __future__ import annotations

import itertools
import math

import pytest

import accelsim
from accelsim.teach.grading import call, submission

RF_BYTES = {"small": 32 * 1 + 8 * 1 + 8 * 4, "large": 128 * 1 + 32 * 1 + 32 * 4}  # INT8 weight, ifmap; 32-bit psum


@pytest.fixture(scope="module")
def sub():
    return submission("dse")


@pytest.fixture(scope="module")
def results(sub):
    return call(sub.explore, sub.BUDGET_BYTES)


def storage(rows, cols, rf, glb):
    return rows * cols * RF_BYTES[rf] + glb * 1024


def test_storage_bytes(sub):
    for rows, cols, rf, glb in itertools.product((8, 16), (8, 16), ("small", "large"), (32, 64, 128)):
        got = call(sub.storage_bytes, rows, cols, rf, glb)
        assert got == storage(rows, cols, rf, glb), (
            f"storage_bytes{(rows, cols, rf, glb)} = {got}, expected {storage(rows, cols, rf, glb)} "
            "(RF words times their width: psums are 4 bytes here)")


def test_feasible_points(sub):
    want = {(r, c, rf, g) for (r, c) in ((8, 8), (16, 16)) for rf in ("small", "large") for g in (32, 64, 128)
            if storage(r, c, rf, g) <= 100 * 1024}
    got = set(map(tuple, call(sub.feasible_points, 100 * 1024)))
    assert got == want, f"feasible points under 100 KiB: missing {sorted(want - got)}, not feasible {sorted(got - want)}"


def test_evaluate_matches_accelsim(sub, results):
    assert set(results) == {tuple(p) for p in call(sub.feasible_points, sub.BUDGET_BYTES)}, "explore() must evaluate every feasible point"
    for point in sorted(results)[:2]:
        t = accelsim.run(sub.WORKLOAD, sub.make_config(*point)).totals()
        e, c = results[point]
        assert math.isclose(e, t["energy_total"], rel_tol=1e-9) and c == t["cycles"], (
            f"{point}: you give energy {e:.4g}, {c} cycles; accelsim gives {t['energy_total']:.4g}, {t['cycles']}")


def brute_front(results):
    return {p for p, (e, c) in results.items()
            if not any(e2 <= e and c2 <= c and (e2, c2) != (e, c) for e2, c2 in results.values())}


def test_pareto_front_and_best_edp(sub, results):
    synthetic = {("a",): (1.0, 10), ("b",): (2.0, 5), ("c",): (2.0, 10), ("d",): (3.0, 1), ("e",): (1.5, 10), ("f",): (1.0, 10)}
    for data in (synthetic, results):
        got = set(map(tuple, call(sub.pareto_front, data)))
        want = brute_front(data)
        assert got == want, f"Pareto front of {data}: expected {sorted(want)}, got {sorted(got)} (a point is on it if no other is at least as good in both and better in one)"
        best = min(data, key=lambda p: data[p][0] * data[p][1])
        assert tuple(call(sub.best_edp, data)) == best, f"least energy x cycles in {data} is {best}"


def test_plot(sub, results, tmp_path):
    path = tmp_path / "front.png"
    call(sub.plot_front, results, call(sub.pareto_front, results), path)
    assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "plot_front must save a PNG file at the path given"
