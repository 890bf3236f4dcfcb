"""accelsim.run and `accelsim run`: invariants that hold for every layer, checked against
closed forms (MACs, footprints) and the energy table applied by hand."""
from __future__ import annotations

import json
import math

import pytest

from accelsim.api import run
from accelsim.hardware import load_hardware
from accelsim.workload.zoo import build

from conftest import REPO

DATAFLOWS = ("ws", "os", "is", "rs", "nlr")


def touched_pixels(s) -> int:
    """Input pixels some window reads (a stride-2 3x3 conv on 224 never reads row 223)."""
    pt, pl = s.pad[0], s.pad[2]
    rows = {e * s.U - pt + r * s.dilation for e in range(s.E) for r in range(s.R)} & set(range(s.H))
    cols = {f * s.U - pl + q * s.dilation for f in range(s.F) for q in range(s.S)} & set(range(s.W))
    return s.C * len(rows) * len(cols)


@pytest.fixture(scope="module")
def eyeriss():
    return load_hardware(REPO / "hw_configs" / "eyeriss.yaml")


@pytest.mark.parametrize("dataflow", DATAFLOWS)
def test_invariants_squeezenet_on_eyeriss(dataflow, eyeriss):
    net = build("squeezenet1_1")
    batch = 2
    # DESIGN.md's invariants are per layer, each layer's tensors through DRAM (--fusion none);
    # the schedule's levels against them: tests/test_schedule_zoo.py
    r = run(net, eyeriss, dataflow, batch=batch, fusion="none")
    assert [l.name for l in r.layers] == [l.name for l in net.layers]
    for res, layer in zip(r.layers, net.layers):
        # MACs = N·M·E·F·(C/G)·R·S (the workload's closed form) × batch
        assert res.macs == layer.macs * batch
        for lv, per in res.accesses.items():
            for t, rw in per.items():
                assert rw["reads"] >= 0 and rw["writes"] >= 0, (lv, t)
        if res.macs:
            dram = res.accesses["DRAM"]
            # every weight and every (non-padding) input pixel crosses DRAM at least once,
            # every output is written at least once
            assert dram["weight"]["reads"] >= layer.weights
            assert dram["ifmap"]["reads"] >= touched_pixels(layer.shape) * batch
            assert dram["ofmap"]["writes"] == layer.ofmap_size * batch
            assert res.cycles >= math.ceil(res.macs / eyeriss.pes)
            assert 0 < res.utilization <= 1
    # energy = Σ counts × per-action cost, rebuilt from the accesses by hand
    costs = eyeriss.energy.costs
    for res in r.layers:
        if not res.macs:
            continue
        a = res.accesses
        dram = sum(v["reads"] * costs["dram_read"] + v["writes"] * costs["dram_write"] for v in a["DRAM"].values())
        assert res.energy["DRAM"] == pytest.approx(dram, rel=1e-12)
        noc = sum(v["reads"] + v["writes"] for v in a["NoC"].values()) * costs["noc_transfer"]
        assert res.energy["NoC"] == pytest.approx(noc, rel=1e-12)
        rf = sum(v["reads"] * costs["rf_read"] + v["writes"] * costs["rf_write"] for v in a["RF"].values())
        assert res.energy["RF"] == pytest.approx(rf, rel=1e-12)
        assert res.energy["MAC"] == res.macs * costs["mac"]


def test_data_movement_dominates_googlenet_on_eyeriss(eyeriss):
    # The course's point (Sze et al., Proc. IEEE 2017, §VII; Yang et al., CVPR 2017): moving
    # data costs more than computing on it. With Eyeriss' normalized costs (MAC 1, RF 1,
    # NoC 2, GLB 6, DRAM 200) every MAC reads at least its weight and psum from the RF,
    # so data movement is at least 2/3 of the energy by construction; DRAM pushes it higher.
    t = run(build("googlenet"), eyeriss, "rs").totals()
    assert t["macs"] == 1_498_376_192
    assert t["data_movement_share"] > 0.75


def test_cli_run_json_follows_design(tmp_path, run_cli):
    out = tmp_path / "r.json"
    code, _, err = run_cli("run", "alexnet", "eyeriss", "--json", out, "--quiet")
    assert code == 0, err
    data = json.loads(out.read_text())
    assert {"accelsim_version", "workload", "hardware", "dataflow", "batch", "layers", "totals", "energy_unit"} <= set(data)
    conv1 = data["layers"][0]
    assert conv1["shape"]["M"] == 96 and conv1["macs"] == 105_415_200
    assert set(conv1["accesses"]) == {"DRAM", "GLB", "NoC", "RF"}
    assert set(conv1["energy"]) >= {"MAC", "RF", "NoC", "GLB", "DRAM"}
    assert data["totals"]["macs"] == 724_406_816


def test_cli_run_errors(run_cli):
    code, _, err = run_cli("run", "alexnet", "eyeriss", "--dataflow", "xs")
    assert code == 2 and "unknown dataflow 'xs'" in err and "Traceback" not in err
    code, _, err = run_cli("run", "alexnet", "tpu_v1", "--dataflow", "rs")
    assert code == 2 and "systolic" in err and "rs" in err
    code, _, err = run_cli("run", "alexnet", "eyeriss", "--batch", "0")
    assert code == 2 and "--batch" in err


def test_buffer_too_small_for_any_tile(tmp_path, run_cli):
    """A GLB that cannot hold even one filter row and one psum: one clear error, no output."""
    text = (REPO / "hw_configs" / "eyeriss.yaml").read_text()
    text = text.replace("size: 100 KiB", "size: 8 B").replace("size: 8 KiB", "size: 8 B")
    hw = tmp_path / "tiny.yaml"
    hw.write_text(text)
    out = tmp_path / "r.json"
    code, stdout, err = run_cli("run", "alexnet", hw, "--quiet", "--json", out)
    assert code == 2 and not out.exists()
    assert str(hw) in err and "layer 'conv1'" in err and "no mapping of this layer fits the buffers" in err
    assert "Traceback" not in err


def test_cli_out_dir_and_dataflow_all(tmp_path, run_cli):
    out = tmp_path / "o"
    code, stdout, err = run_cli("run", "squeezenet1_1", "eyeriss", "--dataflow", "all", "--out", out)
    assert code == 0, err
    data = json.loads((out / "result.json").read_text())
    assert [r["dataflow"] for r in data["runs"]] == ["ws", "os", "is", "rs", "nlr"]
    rows = [s for s in (out / "layers.csv").read_text().splitlines() if not s.startswith("#")]
    assert rows[0].startswith("dataflow,layer,type,macs")
    assert len(rows) == 1 + 5 * len(build("squeezenet1_1").layers)
    assert "dataflows side by side" in stdout


@pytest.mark.parametrize("config", ["eyeriss", "edge_16x16", "tpu_v1", "scalesim_32x32"])
@pytest.mark.parametrize("network", ["mobilenet_v2", "shufflenet_v2_x1_0"])
def test_invariants_on_more_networks_and_configs(network, config):
    """DESIGN.md's invariants on depthwise/grouped/sliced networks, every dataflow."""
    spec = load_hardware(REPO / "hw_configs" / f"{config}.yaml")
    net = build(network)
    for df in spec.dataflows:
        r = run(net, spec, df, fusion="none")  # per layer, as above
        t = r.totals()
        assert t["macs"] == net.totals()["macs"]
        assert t["energy_total"] == pytest.approx(math.fsum(t["energy"].values()), rel=1e-12)
        for res, layer in zip(r.layers, net.layers):
            if res.macs:
                assert res.accesses["DRAM"]["ofmap"]["writes"] == layer.ofmap_size
                assert res.accesses["DRAM"]["weight"]["reads"] >= layer.weights
                assert res.cycles * spec.pes >= res.macs


def test_compare_scalesim(run_cli):
    """SCALE-Sim's own figures next to accelsim's model; the SCALE-Sim side is its report."""
    import csv

    data = REPO / "tests" / "data" / "scalesim"
    code, out, err = run_cli(
        "run", data / "topologies" / "alexnet.csv", data / "configs" / "scale32_ws.cfg", "--compare-scalesim"
    )
    assert code == 0, err
    with open(data / "reports" / "alexnet_scale32_ws" / "COMPUTE_REPORT.csv") as f:
        report = [r for r in csv.reader(f)][1:]
    for row in report:  # LayerID, Total Cycles (incl. prefetch), Total Cycles, ...
        assert f"{int(row[2]):,}" in out
    assert "why they differ" in out and "never moves padding" in out


def test_scalesim_inputs_under_accelsims_own_model(tmp_path, run_cli):
    data = REPO / "tests" / "data" / "scalesim"
    out = tmp_path / "r.json"
    code, _, err = run_cli(
        "run", data / "topologies" / "alexnet.csv", data / "configs" / "scale32_os.cfg", "--compat", "none",
        "--quiet", "--json", out,
    )
    assert code == 0, err
    d = json.loads(out.read_text())
    # SCALE-Sim's output size is ceil((H − R + U) / U) with no padding (MODEL.md §3.1):
    # MACs = E·F·M·R·S·C per CSV row
    macs = 0
    for row in (data / "topologies" / "alexnet.csv").read_text().splitlines()[1:]:
        _, H, W, R, S, C, M, U = (int(v) if i else v for i, v in enumerate(row.strip().rstrip(",").split(",")))
        E, F = -(-(H - R + U) // U), -(-(W - S + U) // U)
        macs += E * F * M * R * S * C
    assert d["dataflow"] == "os" and d["totals"]["macs"] == macs == 805_118_496


def test_mapper_scores_equal_the_full_evaluation(eyeriss):
    """The mapper prices candidates with a per-slot cost vector; it must agree with the
    full result (energy is linear in the counts) for every candidate of a layer."""
    from accelsim.dataflow import DATAFLOWS
    from accelsim.engine.evaluate import evaluate, score
    from accelsim.engine.problem import Problem
    from accelsim.mapping.search import candidates

    layer = build("resnet18").layer("layer2.0.conv1")
    p = Problem.from_shape(layer.shape, 1)
    for name in ("rs", "ws"):
        df = DATAFLOWS[name]
        for m in candidates(p, eyeriss, df)[:6]:
            full = evaluate(p, eyeriss, df, m)
            assert score(p, eyeriss, df, m, "energy") == pytest.approx(full.total_energy, rel=1e-12)
            assert score(p, eyeriss, df, m, "latency") == full.cycles


@pytest.mark.parametrize("stated", [None, "2"])
def test_the_cli_asks_numpy_for_one_blas_thread_unless_the_user_said(stated):
    """`accelsim` sets OPENBLAS_NUM_THREADS=1 before numpy is imported (a BLAS thread pool is a
    third of a fresh `import numpy`'s CPU and the engine's only BLAS calls are dot products of a
    dozen costs); a value the user set is kept. Read back in a fresh process, after a run."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if stated is not None:
        env["OPENBLAS_NUM_THREADS"] = stated
    data = REPO / "tests" / "data" / "scalesim"
    code = ("import os, sys; from accelsim.cli import main; "
            f"rc = main(['run', {str(data / 'topologies' / 'alexnet.csv')!r}, "
            f"{str(data / 'configs' / 'scale32_os.cfg')!r}, '--quiet']); "
            "print(rc, 'numpy' in sys.modules, os.environ['OPENBLAS_NUM_THREADS'], threads())")
    out = subprocess.run([sys.executable, "-c", BLAS_THREADS + code], env=env, capture_output=True, text=True,
                         cwd=REPO, check=True)
    rc, imported, env_value, threads = out.stdout.split()
    assert (rc, imported, env_value) == ("0", "True", stated or "1")
    if threads != "?":  # numpy's own OpenBLAS, asked how many threads it runs
        assert int(threads) == min(int(stated or 1), os.cpu_count() or 1)  # OpenBLAS caps it at the cores


BLAS_THREADS = """
def threads():
    import ctypes, glob, os, numpy
    for lib in glob.glob(os.path.join(os.path.dirname(numpy.__file__), os.pardir, 'numpy.libs', '*openblas*')):
        for name in ('scipy_openblas_get_num_threads64_', 'scipy_openblas_get_num_threads'):
            f = getattr(ctypes.CDLL(lib), name, None)
            if f is not None:
                return f()
    return '?'
"""
