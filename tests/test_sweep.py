"""accelsim sweep (issue 16): spec, designs, keys, store, table, figures, errors, resuming after SIGKILL.

Every number of the table is checked against accelsim.run on a config built by hand (not
through the sweep's path setter), the derived figures against their closed forms, the
Pareto front against its definition (brute force), the Latin hypercube against its
stratification property.
"""
from __future__ import annotations

import csv
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import accelsim
from accelsim.cli import main
from accelsim.hardware import hardware_from_dict
from accelsim.paths import resolve_hardware_path
from accelsim.sweep import load_spec, run_sweep, write_sweep
from accelsim.sweep.analysis import best, pareto
from accelsim.sweep.configpath import get_path, set_path
from accelsim.sweep.designs import candidates, values_at
from accelsim.sweep.spec import compress_supported
from accelsim.sweep.table import VOLATILE
from accelsim.sweep.task import task_key
from accelsim.yamlio import load_yaml

TINY_A = """name: tiny_a
input: {C: 3, H: 32, W: 32}
layers:
- {name: conv1, type: conv, inputs: [input], M: 16, R: 3, S: 3, pad: 1}
- {name: relu1, type: activation, fn: relu, inputs: [conv1]}
- {name: pool1, type: maxpool, inputs: [relu1], kernel: 2}
- {name: conv2, type: conv, inputs: [pool1], M: 32, R: 3, S: 3, pad: 1}
- {name: fc, type: fc, inputs: [conv2], M: 10}
"""
TINY_B = """name: tiny_b
input: {C: 8, H: 16, W: 16}
layers:
- {name: conv1, type: conv, inputs: [input], M: 8, R: 1, S: 1}
- {name: dw, type: conv, inputs: [conv1], M: 8, R: 3, S: 3, pad: 1, groups: 8}
- {name: fc, type: fc, inputs: [dw], M: 4}
"""
SPEC = """base: eyeriss
workloads: [tiny_a.yaml, tiny_b.yaml]
dataflows: [rs, ws]
axes:
  array.rows: [4, 8, 12]
  array.cols: [4, 14]
  glbs.fmap_glb.size: [16 KiB, 100 KiB]
constraints: {onchip_bytes: "<= 120 KiB"}
"""
EYERISS = load_yaml(resolve_hardware_path("eyeriss"))
RF_BYTES_PER_PE = (12 + 224 + 24) * 2  # eyeriss's split, 16-bit words
FILTER_GLB = 8 * 1024


def _write(d: Path, spec: str = SPEC) -> Path:
    (d / "tiny_a.yaml").write_text(TINY_A)
    (d / "tiny_b.yaml").write_text(TINY_B)
    (d / "spec.yaml").write_text(spec)
    return d / "spec.yaml"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    spec = load_spec(_write(d))
    calls: list[tuple[int, int]] = []
    res = run_sweep(spec, d / "out", workers=2, progress=lambda done, total: calls.append((done, total)))
    write_sweep(res, d / "out")
    return d, spec, res, calls


# ---------------------------------------------------------------- paths in a config


def test_config_paths_get_and_set_by_glb_name():
    assert get_path(EYERISS, "glbs.fmap_glb.size", "e.yaml", "axes") == "100 KiB"
    new = set_path(EYERISS, "glbs.filter_glb.size", "16 KiB")
    assert [g["size"] for g in new["glbs"]] == ["100 KiB", "16 KiB"]
    assert [g["size"] for g in EYERISS["glbs"]] == ["100 KiB", "8 KiB"]  # the base is untouched
    assert set_path(EYERISS, "rf.split.weight", 100)["rf"]["split"] == {"ifmap": 12, "weight": 100, "psum": 24}


def test_config_path_the_config_lacks_says_did_you_mean():
    with pytest.raises(accelsim.AccelsimError, match="did you mean 'array.rows'"):
        get_path(EYERISS, "array.row", "e.yaml", "axes.array.row")


# ---------------------------------------------------------------- the grid


def test_grid_designs_and_constraint_against_closed_form(swept):
    _, spec, res, _ = swept
    assert spec.grid_size == 12
    expect = []
    for i, (r, c, g) in enumerate((r, c, g) for r in (4, 8, 12) for c in (4, 14) for g in (16, 100)):
        onchip = r * c * RF_BYTES_PER_PE + g * 1024 + FILTER_GLB
        if onchip <= 120 * 1024:
            expect.append((i, onchip))
    assert [(d.index, d.figures["onchip_bytes"]) for d in res.designs] == expect
    assert res.excluded == 12 - len(expect)
    assert res.tasks == len(expect) * 2 * 2 and res.ran == res.tasks and res.reused == 0 and res.failed == 0


def test_every_row_equals_accelsim_run_on_a_config_built_by_hand(swept):
    d, spec, res, _ = swept
    rows = _read(d / "out" / "results.csv")
    assert len(rows) == res.tasks
    for row in rows[::3]:
        cfg = {**EYERISS, "array": {**EYERISS["array"], "rows": int(row["array.rows"]), "cols": int(row["array.cols"])},
               "glbs": [{**EYERISS["glbs"][0], "size": row["glbs.fmap_glb.size"]}, EYERISS["glbs"][1]]}
        r = accelsim.run(str(d / row["workload"]), hardware_from_dict(cfg, "eyeriss.yaml"), row["dataflow"])
        t = r.totals()
        assert int(row["cycles"]) == t["cycles"] and int(row["macs"]) == t["macs"]
        assert float(row["energy"]) == t["energy_total"]
        assert float(row["latency_s"]) == t["seconds"]
        assert int(row["DRAM_accesses"]) == sum(v["reads"] + v["writes"] for v in t["accesses"]["DRAM"].values())
        assert int(row["pes"]) == int(row["array.rows"]) * int(row["array.cols"])
        assert row["error"] == ""


def test_progress_counts_every_task_up_to_the_total(swept):
    _, _, res, calls = swept
    assert calls[0] == (0, res.tasks) and calls[-1] == (res.tasks, res.tasks)
    assert [c[0] for c in calls] == list(range(res.tasks + 1))


def test_parquet_holds_the_same_table(swept):
    pq = pytest.importorskip("pyarrow.parquet", reason="results.parquet is written only when pyarrow is installed")
    d, _, _, _ = swept
    rows = _read(d / "out" / "results.csv")
    table = pq.read_table(d / "out" / "results.parquet").to_pylist()
    assert len(table) == len(rows)
    for a, b in zip(rows, table):
        assert float(a["energy"]) == b["energy"] and a["glbs.fmap_glb.size"] == b["glbs.fmap_glb.size"]
        assert int(a["array.rows"]) == b["array.rows"] and a["key"] == b["key"]


def test_pareto_front_is_the_set_no_point_dominates():
    rng = random.Random(3)
    rows = [{"x": rng.randint(0, 30), "y": rng.randint(0, 30), "i": i} for i in range(200)]
    front = pareto(rows, "x", "y")

    def dominated(p):
        return any(q["x"] <= p["x"] and q["y"] <= p["y"] and (q["x"], q["y"]) != (p["x"], p["y"]) for q in rows)

    brute = {(p["x"], p["y"]) for p in rows if not dominated(p)}
    assert {(p["x"], p["y"]) for p in front} == brute and len(front) == len(brute)


def test_best_design_per_workload_is_the_least_energy_row(swept):
    _, _, res, _ = swept
    b = best(res.rows, "energy")
    for w in ("tiny_a.yaml", "tiny_b.yaml"):
        assert b[w]["energy"] == min(r["energy"] for r in res.rows if r["workload"] == w)


def test_latin_hypercube_uses_every_value_of_every_axis_once(tmp_path):
    spec = load_spec(_write(tmp_path, """base: eyeriss
workloads: [tiny_b.yaml]
sampling: lhs
seed: 7
axes:
  array.rows: [2, 3, 4, 5, 6]
  array.cols: [2, 3, 4, 5, 6]
  glbs.fmap_glb.size: [8 KiB, 16 KiB, 24 KiB, 32 KiB, 40 KiB]
"""))
    points = [values_at(spec, i) for i in candidates(spec, 5)]
    assert len(points) == 5
    for k in range(3):
        assert sorted(p[k] for p in points) == sorted(spec.axes[k].values)


def test_random_sample_is_seeded_and_meets_the_constraints(tmp_path):
    spec = load_spec(_write(tmp_path))
    a = run_sweep(spec, tmp_path / "a", workers=1, sample=3)
    b = run_sweep(spec, tmp_path / "b", workers=1, sample=3)
    assert [d.index for d in a.designs] == [d.index for d in b.designs] and len(a.designs) == 3
    assert all(d.figures["onchip_bytes"] <= 120 * 1024 for d in a.designs)
    assert a.tasks == 3 * 4


def test_search_scores_designs_by_the_table(tmp_path):
    pytest.importorskip("optuna", reason="--search uses optuna (accelsim[search])")
    spec = load_spec(_write(tmp_path))
    res = run_sweep(spec, tmp_path / "s", workers=1, search=4)
    assert len(res.designs) == 4 and len({d.index for d in res.designs}) == 4
    assert all(d.figures["onchip_bytes"] <= 120 * 1024 for d in res.designs)
    # a design's score: per workload, its best dataflow's energy, summed
    grid = run_sweep(spec, tmp_path / "s", workers=1)  # the same store: the searched tasks are reused
    assert grid.reused == res.tasks
    score = {}
    for d in grid.designs:
        rs = [r for r in grid.rows if r["design"] == d.index]
        score[d.index] = math.fsum(min(r["energy"] for r in rs if r["workload"] == w) for w in spec.workload_names)
    assert min(score[d.index] for d in res.designs) >= min(score.values())


# ---------------------------------------------------------------- keys and the store


def test_key_follows_contents_not_names(tmp_path):
    e = tmp_path / "e1.yaml"
    e.write_text("unit: u\ncosts: {}\n")
    cfg = {**EYERISS, "energy": {"file": "e1.yaml"}}
    base = str(tmp_path / "base.yaml")
    k1 = task_key(cfg, base, "w", "rs", 1, "none", "energy")
    (tmp_path / "e2.yaml").write_text(e.read_text())
    assert task_key({**EYERISS, "energy": {"file": "e2.yaml"}}, base, "w", "rs", 1, "none", "energy") == k1
    e.write_text("unit: u\ncosts: {mac: 2}\n")
    assert task_key(cfg, base, "w", "rs", 1, "none", "energy") != k1
    assert task_key(cfg, base, "w", "ws", 1, "none", "energy") != task_key(cfg, base, "w", "rs", 1, "none", "energy")


def test_second_run_reuses_every_task_and_gives_the_same_table(swept, tmp_path, capsys):
    d, spec, res, _ = swept
    again = run_sweep(spec, d / "out", workers=1)
    assert again.reused == res.tasks and again.ran == 0
    strip = [{k: v for k, v in r.items() if k not in VOLATILE} for r in res.rows]
    assert [{k: v for k, v in r.items() if k not in VOLATILE} for r in again.rows] == strip


def test_a_renamed_workload_file_reuses_its_tasks(tmp_path):
    spec_path = _write(tmp_path)
    run_sweep(load_spec(spec_path), tmp_path / "out", workers=1, sample=2)
    (tmp_path / "tiny_a.yaml").rename(tmp_path / "renamed.yaml")
    spec_path.write_text(SPEC.replace("tiny_a.yaml", "renamed.yaml"))
    res = run_sweep(load_spec(spec_path), tmp_path / "out", workers=1, sample=2)
    assert res.reused == res.tasks and res.ran == 0


def test_failing_task_is_a_row_with_its_error(tmp_path):
    spec = load_spec(_write(tmp_path, """base: tpu_v1
workloads: [tiny_b.yaml]
dataflows: [ws, rs]
axes: {array.rows: [4, 8]}
"""))
    res = run_sweep(spec, tmp_path / "out", workers=1)
    errors = {(r["design"], r["dataflow"]): r["error"] for r in res.rows}
    assert res.failed == 2 and res.tasks == 4
    assert errors[(0, "ws")] is None and "rs" in errors[(0, "rs")]


def test_a_sweep_where_every_task_fails_still_writes_its_table_and_page(tmp_path):
    spec = load_spec(_write(tmp_path, "base: tpu_v1\nworkloads: [tiny_b.yaml]\ndataflows: [rs]\naxes: {array.rows: [4, 8]}\n"))
    res = run_sweep(spec, tmp_path / "out", workers=1)
    names = {p.name for p in write_sweep(res, tmp_path / "out")}
    assert res.failed == 2 and names == {"results.csv", "results.parquet", "report.html"} - (
        set() if _has_pyarrow() else {"results.parquet"})
    html = (tmp_path / "out" / "report.html").read_text()
    assert "No task succeeded" in html and "Failed tasks (2)" in html


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def test_rf_split_axis_carries_the_rf_total(tmp_path):
    spec = load_spec(_write(tmp_path, """base: eyeriss
workloads: [tiny_b.yaml]
axes: {rf.split.weight: [64, 224]}
"""))
    res = run_sweep(spec, tmp_path / "out", workers=1)
    assert [d.figures["rf_bytes_per_pe"] for d in res.designs] == [(12 + 64 + 24) * 2, RF_BYTES_PER_PE]


# ---------------------------------------------------------------- the CLI, the files, bad input


def test_cli_writes_table_figures_report_and_says_where(tmp_path, capsys):
    spec = _write(tmp_path)
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1", "--sample", "2"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # as one line: rich wraps at the console's width
    assert "8 tasks" in out and "best design per workload" in out and str(tmp_path / "o") in out
    names = {p.name for p in (tmp_path / "o").iterdir()}
    assert {"results.csv", "report.html", "sweep.sqlite", "pareto_energy_latency.png", "pareto_energy_storage.svg",
            "heatmap.png"} <= names
    html = (tmp_path / "o" / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and "<script" not in html and "ISCA" in html
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1", "--sample", "2", "--quiet"]) == 0
    assert capsys.readouterr().out == ""


BAD = [
    ("axes: {array.row: [4]}", "did you mean 'array.rows'"),
    ("axes: {array.rows: [four]}", "axes.array.rows"),
    ("axes: {array.rows: []}", "empty"),
    ("axes: {array.rows: [4]}\nconstraints: {onchip: '<= 1 KiB'}", "did you mean 'onchip_bytes'"),
    ("axes: {array.rows: [4]}\nconstraints: {onchip_bytes: '<= 1 KiB'}", "empty grid"),
    ("axes: {array.rows: [4]}\nconstraints: {pes: 'about 4'}", "comparison"),
    ("dataflows: [rss]", "did you mean 'rs'"),
]


@pytest.mark.parametrize("extra,needle", BAD)
def test_bad_spec_is_one_paragraph_exit_2_and_nothing_written(tmp_path, capsys, extra, needle):
    spec = _write(tmp_path, "base: eyeriss\nworkloads: [tiny_b.yaml]\n" + extra + "\n")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert needle in err and str(spec) in err and "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("flags,needle", [
    (["--workers", "0"], "--workers"),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    (["--sample", "2", "--search", "2"], "not both"),
    (["--search", "0"], "--search"),
    (["--sample", "0"], "--sample"),
])
def test_bad_flags_are_one_paragraph_exit_2_and_nothing_written(tmp_path, capsys, flags, needle):
    spec = _write(tmp_path)
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), *flags]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_compression_axis(tmp_path, capsys):
    if not compress_supported():  # before issue 13: the axis is refused, with the reason
        (tmp_path / "c.yaml").write_text("{}\n")
        spec = _write(tmp_path, "base: eyeriss\nworkloads: [tiny_b.yaml]\ncompress: [c.yaml]\n")
        assert main(["sweep", str(spec), "--out", str(tmp_path / "o")]) == 2
        assert "issue 13" in capsys.readouterr().err
        return
    shipped = "eyeriss_alexnet_ifmap_zeros"
    spec = _write(tmp_path, f"base: eyeriss\nworkloads: [alexnet]\ncompress: [none, {shipped}]\n")
    res = run_sweep(load_spec(spec), tmp_path / "o", workers=1)
    by = {r["compress"]: r for r in res.rows}
    assert set(by) == {"none", shipped} and res.failed == 0
    for name, arg in (("none", None), (shipped, shipped)):
        assert by[name]["energy"] == accelsim.run("alexnet", "eyeriss", compress=arg).totals()["energy_total"]
    # the compressed row (default onchip, feature maps RLC-coded at DRAM) moves fewer DRAM
    # elements than even the dense run at --fusion views
    views = sum(l.level_accesses("DRAM") for l in accelsim.run("alexnet", "eyeriss", fusion="views").layers)
    assert by[shipped]["DRAM_accesses"] < views


def test_unreachable_scheduler_is_a_clear_error_within_10_s(tmp_path, capsys):
    pytest.importorskip("distributed", reason="--scheduler needs dask distributed (accelsim[dask])")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    spec = _write(tmp_path)
    t = time.monotonic()
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    assert time.monotonic() - t < 10
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler" in err and f"tcp://127.0.0.1:{port}" in err
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- resuming after SIGKILL


def test_sigkill_half_way_then_resume_loses_and_recomputes_nothing(tmp_path):
    spec = _write(tmp_path, """base: eyeriss
workloads: [alexnet]
dataflows: [rs, ws]
axes:
  array.rows: [6, 8, 12]
  array.cols: [7, 14]
  glbs.fmap_glb.size: [50 KiB, 100 KiB]
""")
    out = tmp_path / "out"
    db = out / "sweep.sqlite"
    cmd = [sys.executable, "-m", "accelsim", "sweep", str(spec), "--out", str(out), "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if db.exists():
                try:
                    with sqlite3.connect(db) as c:
                        if c.execute("SELECT COUNT(*) FROM tasks").fetchone()[0] >= 4:
                            break
                except sqlite3.OperationalError:
                    pass
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its pool's worker
    finally:
        proc.wait(timeout=30)
    with sqlite3.connect(db) as c:
        before = dict(c.execute("SELECT key, finished FROM tasks"))
    total = 12 * 2
    assert 4 <= len(before) < total, "the sweep was not stopped half-way"
    assert not (out / "results.csv").exists()
    done = subprocess.run(cmd[:-1], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{total - len(before)} run, {len(before)} reused" in " ".join(done.stdout.split())
    with sqlite3.connect(db) as c:
        after = dict(c.execute("SELECT key, finished FROM tasks"))
    assert len(after) == total
    assert {k: after[k] for k in before} == before  # no finished task was written again
    assert len(_read(out / "results.csv")) == total
