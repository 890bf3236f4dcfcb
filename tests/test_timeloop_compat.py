"""Timeloop in (issue 19): its problem, architecture and mapping files read, and every level's
reads, fills and updates per data space counted under Timeloop's convention.

The reference is Timeloop's own output: the statistics of the timeloop-accelergy-exercises'
reference runs (tests/data/timeloop/ref_stats.json and exercises/*/ref.json, parsed from their
``*.stats.txt``; see tests/data/timeloop/README.md), never a number accelsim printed.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from accelsim.errors import AccelsimError
from accelsim.timeloop.run import run_timeloop

DATA = Path(__file__).resolve().parent / "data" / "timeloop"
REF = json.loads((DATA / "ref_stats.json").read_text())
CASES = {  # case folder → the exercise its statistics come from
    "eyeriss_like_default": "example_designs/eyeriss_like/ref_outputs/default_problem/",
    "ispass2020_06_eyeriss_VGG02_layer5": "06-mapper-convlayer-eyeriss/ref-output/",
    "simple_ws_default": "example_designs/simple_weight_stationary/ref_outputs/",
    "simple_os_default": "example_designs/simple_output_stationary/ref_outputs/",
}
EXERCISES = sorted(p.name for p in (DATA / "exercises").iterdir())
# Timeloop's 2024 tutorial output reads Inputs at the buffer once per 8 MACs where the innermost
# loop (M8, at that buffer) does not touch them; the 2020-23 outputs above read every MAC
# (simple_os's weight_reg under P14, eyeriss's ifmap_spad under M8). The rule that tells them
# apart is not known here (docs/engine.md, "Timeloop's counting convention").
DIFFERENT = {"dse2024": "Inputs reads at 'buffer': Timeloop 134,217,728 (one per 8 MACs), accelsim's rule 1,073,741,824"}


def _ref(case: str) -> dict:
    return next(r for r in REF if CASES[case] in r["file"])


def _expected(ref: dict) -> dict[tuple[str, str], tuple[int, ...]]:
    out = {}
    for lv in ref["levels"]:
        for ds, v in lv.get("dataspaces", {}).items():
            out[(lv["name"], ds)] = tuple(int(v[k]) for k in (
                "Scalar reads (per-instance)", "Scalar fills (per-instance)", "Scalar updates (per-instance)",
                "Utilized capacity", "Utilized instances (max)"))
    return out


def _got(run) -> dict[tuple[str, str], tuple[int, ...]]:
    return {(name, ds): (a.reads, a.fills, a.updates, a.tile, a.instances)
            for name, spaces in run.counts.levels for ds, a in spaces.items()}


def _timeloop_energy_pj(ref: dict) -> float:
    s = ref["summary"]
    return s["per_compute"]["Total"] * 1e-3 * s["Computes"]  # fJ per compute, as Timeloop prints it


def _case(case: str):
    d = DATA / case
    return run_timeloop(d / "problem.yaml", d / "arch.yaml", d / "map.yaml")


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_level_count_equals_timeloops(case):
    """Reads, fills, updates, utilized capacity and instances per level and data space: equal."""
    ref = _ref(case)
    r = _case(case)
    assert _got(r) == _expected(ref)
    assert r.counts.macs == int(ref["levels"][0]["Computes (total)"])
    assert r.counts.compute_instances == int(ref["levels"][0]["Utilized instances"])
    assert r.counts.cycles == int(ref["summary"]["Cycles"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_energy_within_half_a_percent_with_timeloops_per_access_energies(case):
    ref = _ref(case)
    r = _case(case)
    assert r.energy_total == pytest.approx(_timeloop_energy_pj(ref), rel=0.005)
    # and each storage level's dynamic energy as Timeloop prints it per data space (2 decimals of pJ)
    for lv in ref["levels"]:
        if lv.get("dataspaces"):
            tl = sum(float(v["Energy (total)"].split()[0]) for v in lv["dataspaces"].values())
            ours = r.energy[lv["name"]] - r.nest.arch.energy[lv["name"]].get("leak", 0.0) * r.counts.cycles * max(
                a.instances for a in dict(r.counts.levels)[lv["name"]].values())
            assert ours == pytest.approx(tl, rel=1e-5, abs=0.01), lv["name"]


@pytest.mark.parametrize("case", EXERCISES)
def test_other_exercises(case):
    """The tutorial's model and mapper exercises (1-D convolutions with and without tiling,
    bypass, spatial C or K; Simba-like; the float and int Eyeriss-likes): every count equal."""
    d = DATA / "exercises" / case
    ref = json.loads((d / "ref.json").read_text())
    r = run_timeloop(d / "input.yaml", d / "input.yaml", d / "map.yaml" if (d / "map.yaml").exists() else None,
                     d / "ERT_summary.yaml")
    got, exp = _got(r), _expected(ref)
    if case in DIFFERENT:
        diff = {k for k in exp if got.get(k) != exp[k]}
        assert diff == {("buffer", "Inputs")}, DIFFERENT[case]
        got = {k: v for k, v in got.items() if k not in diff}
        exp = {k: v for k, v in exp.items() if k not in diff}
    assert got == exp
    assert r.counts.cycles == int(ref["summary"]["Cycles"])
    # energy is not compared here: on these tiny 1-D problems Timeloop charges whole vector accesses
    # of a wide DRAM (32 words) for tiles smaller than a vector, which accelsim's per-word price
    # does not (docs/engine.md); the four designs above hold energy to 0.5 %


def _agreed(acc: dict, ref: dict) -> None:
    """accelsim-convention access counts (elements, over all instances) against Timeloop's
    statistics, on the figures the two conventions define alike (docs/engine.md §10)."""
    every = {k: tuple(x * v[4] for x in v[:3]) for k, v in _expected(ref).items()}
    pe_w = [lv["name"] for lv in ref["levels"][:-2] if "Weights" in lv.get("dataspaces", {})][-1]  # the PE's outermost
    assert acc["DRAM"]["weight"]["reads"] == every[("DRAM", "Weights")][0]
    assert acc["RF"]["weight"]["writes"] == every[(pe_w, "Weights")][1]
    assert acc["DRAM"]["psum"]["writes"] + acc["DRAM"]["ofmap"]["writes"] == every[("DRAM", "Outputs")][2]
    g = every.get(("shared_glb", "Weights"), (0, 0, 0))
    assert (acc["GLB"]["weight"]["reads"], acc["GLB"]["weight"]["writes"]) == g[:2]


def test_run_compat_timeloop_cli(run_cli):
    """--compat timeloop: Timeloop's count (its convention) and the engine's (Timeloop's mapping
    pinned, accelsim's convention), both by default, either with --convention."""
    d = DATA / "eyeriss_like_default"
    args = ("run", d / "problem.yaml", d / "arch.yaml", "--compat", "timeloop", "--mapping", d / "map.yaml")
    code, out, err = run_cli(*args, "--no-color")
    assert code == 0, err
    assert "1,354,752" in out and "157,296" in out and "59.280 µJ" in out  # Timeloop's convention
    assert "accelsim's convention" in out and "193,536" in out  # the engine: weights_spad fills = RF weight writes
    code, out, err = run_cli(*args, "--json", "--convention", "timeloop")
    data = json.loads(out)
    glb = next(lv for lv in data["levels"] if lv["level"] == "shared_glb")["data_spaces"]["Inputs"]
    assert (glb["reads"], glb["fills"]) == (1354752, 157296)
    code, out, err = run_cli(*args, "--json")
    data = json.loads(out)
    assert data["timeloop"]["cycles"] == int(_ref("eyeriss_like_default")["summary"]["Cycles"])
    eng = data["accelsim"]
    assert eng["macs"] == int(_ref("eyeriss_like_default")["summary"]["Computes"])
    _agreed(eng["accesses"], _ref("eyeriss_like_default"))
    code, out, err = run_cli(*args, "--json", "--convention", "accelsim")
    assert json.loads(out)["accesses"] == eng["accesses"]
    code, out, err = run_cli("run", d / "problem.yaml", d / "arch.yaml", "--convention", "accelsim")
    assert code == 2 and "--compat timeloop" in err


@pytest.mark.parametrize("case", sorted(CASES))
def test_import_writes_files_accelsim_runs_in_the_engine(run_cli, tmp_path, case):
    """``accelsim import timeloop`` writes workload.yaml, hardware.yaml and mappings.yaml that a
    plain ``accelsim run`` runs in the engine with Timeloop's mapping pinned: the same counts
    as the engine's pin of the nest, and Timeloop's own figures where the conventions agree;
    the hardware's sizes, array and bypass are Timeloop's statistics'."""
    d = DATA / case
    code, out, err = run_cli("import", "timeloop", d / "problem.yaml", d / "arch.yaml", d / "map.yaml", "-o", tmp_path)
    assert code == 0, err
    assert {p.name for p in tmp_path.iterdir()} == {"workload.yaml", "hardware.yaml", "mappings.yaml", "nest.txt", "counts.json"}
    code, out, err = run_cli("run", tmp_path / "workload.yaml", tmp_path / "hardware.yaml", "--mapping", tmp_path / "mappings.yaml",
                             "--json", "--fusion", "none")
    assert code == 0, err
    layer = json.loads(out)["layers"][0]
    ref = _ref(case)
    assert layer["macs"] == int(ref["summary"]["Computes"])
    assert layer["mapping"]["chosen_by"].startswith("pinned")
    _agreed(layer["accesses"], ref)
    from accelsim.timeloop.hardware import engine_run

    assert layer["accesses"] == engine_run(_case(case).nest).cost.accesses
    # the hardware, against Timeloop's statistics of the same architecture
    from accelsim.yamlio import load_yaml

    hw = load_yaml(tmp_path / "hardware.yaml")
    stats = {lv["name"]: lv for lv in ref["levels"]}
    assert hw["array"]["rows"] * hw["array"]["cols"] == max(int(lv["Instances"].split()[0]) for lv in ref["levels"])
    glb = stats["shared_glb"]
    assert hw["glbs"][0]["size"] == f"{int(glb['Size']) * int(glb['Word bits']) // 8} B"  # Size: words
    held = {"Weights": {"weight"}, "Inputs": {"ifmap"}, "Outputs": {"psum", "ofmap"}}
    assert set(hw["glbs"][0]["holds"]) == set().union(*(held[ds] for ds in glb["dataspaces"]))
    for t, ds in (("weight", "Weights"), ("ifmap", "Inputs"), ("psum", "Outputs")):
        pe = [lv for lv in ref["levels"][:-2] if ds in lv.get("dataspaces", {}) and lv["name"] not in ("shared_glb", "DRAM")]
        if pe:  # the outermost PE level that keeps the type (the statistics list levels innermost first)
            assert hw["rf"]["split"][t] == int(pe[-1]["Size"])


def test_import_writes_a_workload_accelsim_runs(run_cli, tmp_path):
    d = DATA / "ispass2020_06_eyeriss_VGG02_layer5"
    code, out, err = run_cli("import", "timeloop", d / "problem.yaml", d / "arch.yaml", d / "map.yaml", "-o", tmp_path)
    assert code == 0, err
    from accelsim.workload import load_workload

    net = load_workload(tmp_path / "workload.yaml")
    layer = net.layers[0]
    assert layer.macs == 128 * 256 * 3 * 3 * 56 * 56  # C M R S P Q of the problem
    assert json.loads((tmp_path / "counts.json").read_text())["macs"] == layer.macs
    d = DATA / "eyeriss_like_default"  # H, W, padding stated: kept
    code, _, err = run_cli("import", "timeloop", d / "problem.yaml", d / "arch.yaml", d / "map.yaml", "-o", tmp_path / "e")
    assert code == 0, err
    net = load_workload(tmp_path / "e" / "workload.yaml")
    assert net.layers[0].macs == 10838016


def _copy(case: str, tmp: Path) -> Path:
    dst = tmp / case
    shutil.copytree(DATA / case, dst)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("file, old, new, words", [
    ("map.yaml", "    permutation: MCRSNPQ", "    permutation: MCRSNPQ\n    bogus: 1",
     ["map.yaml", "unknown key 'bogus'", "target psum_spad"]),
    ("map.yaml", "factors: C1 M8 R1", "factors: C1 M5 R1", ["map.yaml", "factors of M multiply to 20", "do not divide"]),
    ("map.yaml", "factors: C1 M1 R1 S1 N1 P1 Q14", "factors: C1 M1 R1 S1 N1 P1 Q28",
     ["map.yaml", "fan-out of 28", "inter_PE_column_spatial", "at most 14"]),
    ("map.yaml", "target: weights_spad\n    type: temporal", "target: weight_spad\n    type: temporal",
     ["map.yaml", "no storage level 'weight_spad'", "did you mean 'weights_spad'"]),
    ("map.yaml", "type: spatial\n    factors: C3", "type: sparse\n    factors: C3", ["map.yaml", "'sparse' is not a directive type"]),
    ("arch.yaml", "  - !Parallel", "  - !Paralel", ["arch.yaml", "line", "!Container"]),
    ("arch.yaml", "    class: intmac", "    class: systolic_mac", ["arch.yaml", "class", "systolic_mac"]),
    ("arch.yaml", "name: ifmap_spad\n", "name: ifmap_spad\n      spatial: {meshX: 2}\n",
     ["arch.yaml", "cannot express", "spatial"]),
    ("problem.yaml", "    M: 32", "    M: 32\n    K: 4", ["problem.yaml", "unknown key 'K'", "instance"]),
])
def test_bad_timeloop_input_is_one_paragraph(run_cli, tmp_path, file, old, new, words):
    d = _copy("eyeriss_like_default", tmp_path)
    _edit(d / file, old, new)
    code, out, err = run_cli("run", d / "problem.yaml", d / "arch.yaml", "--compat", "timeloop", "--mapping", d / "map.yaml")
    assert code == 2 and out == ""
    assert err.startswith("accelsim: error: ") and "Traceback" not in err and err.count("\n") == 1
    for w in words:
        assert w in err, (w, err)


def test_no_mapping_says_so(tmp_path):
    d = DATA / "eyeriss_like_default"
    with pytest.raises(AccelsimError, match="no mapping"):
        run_timeloop(d / "problem.yaml", d / "arch.yaml")


def test_import_leaves_nothing_half_written(run_cli, tmp_path):
    d = _copy("eyeriss_like_default", tmp_path)
    _edit(d / "map.yaml", "factors: C1 M8 R1", "factors: C1 M5 R1")
    code, _, _ = run_cli("import", "timeloop", d / "problem.yaml", d / "arch.yaml", d / "map.yaml", "-o", tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()


def test_reproduce_data_is_timeloops_statistics():
    """accelsim/reproduce/data/timeloop_counts.yaml and its inputs are copies of tests/data/timeloop/."""
    from accelsim.reproduce.timeloop import DATA as RDATA
    from accelsim.reproduce.timeloop import reference_counts

    counts = reference_counts()
    for case in CASES:
        exp = {f"{lv}.{ds}": list(v[:3]) for (lv, ds), v in _expected(_ref(case)).items()}
        assert counts[case] == exp
        for f in ("problem.yaml", "arch.yaml", "map.yaml", "ERT_summary.yaml"):
            assert (RDATA / "timeloop" / case / f).read_bytes() == (DATA / case / f).read_bytes()


def test_reproduce_timeloop_pins_timeloops_mapping_for_all_four():
    from accelsim.reproduce.timeloop import section

    sec = section()
    by = {c.id: c for c in sec.claims}
    for case in CASES:
        for what in ("counts", "energy", "cycles"):
            assert by[f"timeloop.{case}.pinned.{what}"].ok is True, what
    titles = [t[0] for t in sec.tables]
    assert any("our mapper vs Timeloop's mapping" in t for t in titles)
    assert len(sec.tables[0][2]) == 4


def test_glb_lists_no_traffic_for_data_that_bypasses_it():
    """Issue 19's fix on the way: Timeloop's eyeriss_like keeps weights out of the GLB
    (glb_bypass: [weight]); the access table lists no GLB weight traffic, and no GLB energy
    is charged for weights, while the held types keep theirs."""
    from accelsim import api
    from accelsim.reproduce.runs import CONFIGS, WORKLOADS

    r = api.run(WORKLOADS / "timeloop_eyeriss_default.yaml", CONFIGS / "timeloop_eyeriss_like.yaml")
    layer = r.layers[0]
    assert layer.accesses["GLB"]["weight"] == {"reads": 0, "writes": 0}
    assert layer.accesses["GLB"]["ifmap"]["reads"] > 0 and layer.accesses["GLB"]["ofmap"]["writes"] > 0
    assert layer.accesses["NoC"]["weight"]["reads"] > 0  # weights still reach the PEs, DRAM -> NoC
    # GLB energy is what the held types' GLB accesses cost at the config's prices (pJ per access)
    g = layer.accesses["GLB"]
    glb_pj = 2.22 * (g["ifmap"]["reads"] + g["ifmap"]["writes"]) + 1.77 * sum(g[t]["reads"] + g[t]["writes"] for t in ("psum", "ofmap"))
    assert layer.energy["GLB"] == pytest.approx(glb_pj)


def test_eyeriss_latency_claims():
    """Issue 19: AlexNet CONV1-5 on eyeriss, RS, batch 4 against JSSC'17 Table V's latency
    (115.3 ms [R]; per layer [M], whose cells must sum to the [R] totals)."""
    from accelsim.reproduce.eyeriss import latency_claims, published
    from accelsim.reproduce.runs import conv_layers, mapped

    pub = published()
    lat = [pub["layers"][f"conv{i}"]["latency_ms"] for i in range(1, 6)]
    proc = [pub["layers"][f"conv{i}"]["processing_ms"] for i in range(1, 6)]
    assert sum(lat) == pytest.approx(pub["totals"]["latency_ms"]) and sum(proc) == pytest.approx(pub["totals"]["processing_ms"])
    energy_conv = conv_layers(mapped("alexnet", "eyeriss", "rs", 4))
    claims, rows, text = latency_claims(energy_conv)
    by = {c.id: c for c in claims}
    assert by["eyeriss.latency"].ok and abs(by["eyeriss.latency"].accelsim / 115.3 - 1) <= 0.15
    for i in range(1, 6):
        assert by[f"eyeriss.latency.conv{i}"].ok
    # the explanation the text gives: the energy mapping of CONV1 reads its ifmap from the GLB more
    # often than the chip's 16-bit ifmap GIN (one value per cycle at 200 MHz) allows in 20.9 ms
    c1 = energy_conv[0]
    assert c1.accesses["GLB"]["ifmap"]["reads"] > 20.9e-3 * 200e6
    assert c1.mapping["bound_by"] == "GLB/NoC bandwidth"
    # what the text says per layer: the latency mappings are compute-bound (neither the GIN nor
    # the psum path sets their time), and CONV1 on the chip's t = 2 PE sets reads fewer ifmaps
    assert [r[4] for r in rows[:5]] == ["compute"] * 5
    assert "t = 2" in text and "E7 × M2 on the columns" in text and "mapping/search.py: SETS" in text


# ------------------------------------------------- the closed form against a literal walk

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _literal_level(nest, ds, lvl):
    """Walk the temporal loops above level ``lvl`` literally (instance 0 of the spatial loops
    above it), build every tile as a set of projected points, and apply Timeloop's fill rule
    step by step: the first tile whole; after a step of the innermost temporal loop above,
    the new points only; after any other step that moves a loop the data space depends on,
    the whole tile (even where stride-aligned windows of two dims land on the old one). Returns
    (tile, fills, visits, first touches)."""
    import itertools

    loops = nest.loops
    dims = nest.problem.dims

    def stride(k):
        return int(np.prod([q.bound for j, q in enumerate(loops) if q.dim == loops[k].dim and j > k] or [1]))

    above_t = [k for k, lp in enumerate(loops) if lp.level < lvl and not lp.spatial]
    inner = [k for k, lp in enumerate(loops) if lp.level >= lvl]

    def tile(outer_idx):
        pts = set()
        for inn in itertools.product(*(range(loops[k].bound) for k in inner)):
            val = dict.fromkeys(dims, 0)
            for k, i in list(zip(above_t, outer_idx)) + list(zip(inner, inn)):
                val[loops[k].dim] += i * stride(k)
            pts.add(tuple(sum(c * val[d] for d, c in coord) for coord in ds.projection))
        return pts

    prev, fills, visits, seen = None, 0, 0, set()
    last = above_t[-1] if above_t else None
    for idx in itertools.product(*(range(loops[k].bound) for k in above_t)):
        t = tile(idx)
        if prev is None:
            fills, visits = len(t), 1
        else:
            changed = [j for j in range(len(idx)) if idx[j] != prev_idx[j]]
            if any(loops[above_t[j]].dim in ds.dims() for j in changed):  # a loop the data space depends on moved
                visits += 1
                fills += len(t - prev) if above_t[min(changed)] == last else len(t)  # the loop that stepped
        prev, prev_idx = t, idx
        seen |= t
    return len(prev), fills, visits, len(seen)


@st.composite
def small_nests(draw):
    from accelsim.timeloop.arch import Arch, Level
    from accelsim.timeloop.mapping import Loop, Nest
    from accelsim.timeloop.problem import DataSpace, TProblem

    u = draw(st.integers(1, 2))
    dims = ("C", "M", "R", "S", "P", "Q")
    bounds = {d: draw(st.sampled_from((1, 2, 3, 4))) for d in dims}
    spaces = (DataSpace("Weights", ((("C", 1),), (("M", 1),), (("R", 1),), (("S", 1),))),
              DataSpace("Inputs", ((("C", 1),), (("R", 1), ("P", u)), (("S", 1), ("Q", u)))),
              DataSpace("Outputs", ((("M", 1),), (("P", 1),), (("Q", 1),)), True))
    p = TProblem("conv", dims, tuple(bounds[d] for d in dims), spaces)
    slots = [(0, False), (1, False), (1, True), (2, False)]  # DRAM, L1, L1's fan-out, L2
    per = {s: [] for s in range(len(slots))}
    for d in dims:
        left = bounds[d]
        for s in draw(st.permutations(range(len(slots)))):
            if left == 1:
                break
            f = draw(st.sampled_from([x for x in range(1, left + 1) if left % x == 0]))
            if f > 1:
                per[s].append((d, f))
                left //= f
        if left > 1:
            per[0].append((d, left))
    loops = []
    for s, (lvl, sp) in enumerate(slots):
        for d, f in draw(st.permutations(per[s])):
            loops.append(Loop(lvl, d, f, sp))
    loops.sort(key=lambda lp: (lp.level, lp.spatial))  # temporal before spatial at a level, stable
    fan = int(np.prod([lp.bound for lp in loops if lp.spatial] or [1]))
    arch = Arch((Level("DRAM", "storage", 1), Level("L1", "storage", 1), Level("L2", "storage", fan), Level("mac", "compute", fan)))
    names = ("Weights", "Inputs", "Outputs")
    keep = (frozenset(names), frozenset(draw(st.sets(st.sampled_from(names)))), frozenset(draw(st.sets(st.sampled_from(names)))),
            frozenset())
    return Nest(p, arch, tuple(loops), keep)


@settings(max_examples=40, deadline=None)
@given(small_nests())
def test_closed_form_equals_a_literal_walk(nest):
    from accelsim.timeloop.nest import count

    c = dict(count(nest).levels)
    for lvl, name in ((1, "L1"), (2, "L2")):
        for ds in nest.problem.data_spaces:
            if ds.name not in nest.keep[lvl]:
                continue
            tile, fills, visits, first = _literal_level(nest, ds, lvl)
            a = c[name][ds.name]
            assert a.tile == tile
            if ds.read_write:
                assert a.fills == visits * tile - first  # a revisited output block is refilled
            else:
                assert a.fills == fills


# ---------------------------------------------------------------- Timeloop's mapping in the engine

ENGINE_CASES = {"simple_os_default": "timeloop_simple_os", "simple_ws_default": "timeloop_simple_ws"}


def _engine(nest, config: str):  # type: ignore[no-untyped-def]
    from accelsim.reproduce.runs import CONFIGS
    from accelsim.timeloop.engine import run_engine
    from accelsim.yamlio import load_yaml

    return run_engine(nest, load_yaml(CONFIGS / f"{config}.yaml"), str(CONFIGS / f"{config}.yaml"))


@pytest.mark.parametrize("case", sorted(ENGINE_CASES))
def test_timeloops_mapping_pinned_in_the_engine(case):
    """Timeloop's own mapping of simple_os (P split across pe_spad and weight_reg, M16 on the
    array, outputs bypassing the GLB) and of simple_ws (P and Q split across pe_spad and
    weight_reg), counted by the engine under accelsim's convention. Where the two
    conventions count the same thing it equals Timeloop's statistics: weights at DRAM, GLB
    and the PE's outermost weight level; outputs at DRAM and the GLB (accelsim's GLB psum
    writes + ofmap writes = Timeloop's updates); the PE's psum updates; the MACs; the compute
    cycles. Ifmaps stream in per MAC step and accelsim moves no padding: its GLB ifmap reads
    are C' × (valid rows) × (valid columns) × (passes over M), C' the C values the PEs read
    apart, a valid row an (output row, filter row) pair whose input row is no padding."""
    r = _case(case)
    exp = _expected(_ref(case))
    p, spec, m, c = _engine(r.nest, ENGINE_CASES[case])
    a = c.accesses
    tot = {k: v[0] * v[4] for k, v in exp.items()}  # reads over all instances
    fills = {k: v[1] * v[4] for k, v in exp.items()}
    upd = {k: v[2] * v[4] for k, v in exp.items()}
    assert m.rf_loops and c.macs == int(_ref(case)["summary"]["Computes"])
    assert c.compute_cycles == int(_ref(case)["summary"]["Cycles"])
    assert a["DRAM"]["weight"]["reads"] == tot[("DRAM", "Weights")]
    assert a["GLB"]["weight"]["reads"] == tot[("shared_glb", "Weights")]
    pe_w = "weight_reg" if case == "simple_os_default" else "pe_spad"  # the PE's outermost level keeping weights
    assert a["RF"]["weight"]["writes"] == fills[(pe_w, "Weights")]
    assert a["DRAM"]["ofmap"]["writes"] == upd[("DRAM", "Outputs")]
    valid = sum(1 for e in range(p.E) for rr in range(p.R) if 0 <= e * p.U - p.pt + rr < p.H)
    assert valid == 335
    if case == "simple_os_default":
        assert spec.glb_for("psum") is None and spec.glb_for("ofmap") is None  # Timeloop's GLB bypasses Outputs
        assert a["RF"]["psum"]["writes"] == upd[("pe_spad", "Outputs")]
        assert a["GLB"]["ifmap"]["reads"] == 1 * valid * valid * p.C * 2  # all 16 PEs read one value; M in 2 DRAM tiles
    else:
        assert a["GLB"]["psum"]["reads"] == tot[("shared_glb", "Outputs")]
        assert a["GLB"]["psum"]["writes"] + a["GLB"]["ofmap"]["writes"] == upd[("shared_glb", "Outputs")]
        assert a["GLB"]["ifmap"]["reads"] == 3 * valid * valid * 8  # C3 apart on the array; M8 passes
    # the exposed first fill and last write-back are all accelsim adds to Timeloop's cycles
    assert 0 < c.cycles - c.compute_cycles < 200


SMALL_OS_PROBLEM = """problem:
  version: 0.4
  instance: {C: 2, M: 4, R: 3, S: 3, N: 1, P: 8, Q: 4, H: 8, W: 16, Hpad: 1, Wpad: 1, Hstride: 2, Wstride: 2,
             Hdilation: 1, Wdilation: 1}
  shape:
    coefficients: [{name: Wstride, default: 1}, {name: Hstride, default: 1}, {name: Wdilation, default: 1},
                   {name: Hdilation, default: 1}]
    data_spaces:
    - {name: Weights, projection: [[[C]], [[M]], [[R]], [[S]]]}
    - {name: Inputs, projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], [[S, Hdilation], [Q, Hstride]]]}
    - {name: Outputs, projection: [[[N]], [[M]], [[Q]], [[P]]], read_write: true}
    dimensions: [C, M, R, S, N, P, Q]
    name: conv2D
"""
SMALL_OS_MAP = """mapping:
  - {target: output_activation_reg, type: datatype, keep: [Outputs], bypass: [Weights, Inputs]}
  - {target: input_activation_reg, type: datatype, keep: [Inputs], bypass: [Weights, Outputs]}
  - {target: weight_reg, type: datatype, keep: [Weights], bypass: [Inputs, Outputs]}
  - {target: pe_spad, type: datatype, keep: [Outputs], bypass: [Weights, Inputs]}
  - {target: inter_PE_spatial, type: datatype, keep: [], bypass: [Weights, Inputs, Outputs]}
  - {target: shared_glb, type: datatype, keep: [Weights, Inputs], bypass: [Outputs]}
  - {target: DRAM, type: datatype, keep: [Weights, Inputs, Outputs], bypass: []}
  - {target: weight_reg, type: temporal, factors: C1 M1 R1 S1 N1 P2 Q1, permutation: PCMRSNQ}
  - {target: pe_spad, type: temporal, factors: C2 M1 R1 S3 N1 P2 Q1, permutation: SPCMRNQ}
  - {target: inter_PE_spatial, type: spatial, factors: C1 M2 R1 S1 N1 P1 Q1, permutation: MCRSNPQ, split: 0}
  - {target: shared_glb, type: temporal, factors: C1 M1 R3 S1 N1 P1 Q2, permutation: RQCMSNP}
  - {target: DRAM, type: temporal, factors: C1 M2 R1 S1 N1 P2 Q2, permutation: MQPCRSN}
"""


def _small(tmp_path: Path, mapping: str, case: str):  # type: ignore[no-untyped-def]
    """SMALL_OS_PROBLEM mapped by ``mapping`` on the architecture of reference run ``case``."""
    (tmp_path / "problem.yaml").write_text(SMALL_OS_PROBLEM)
    (tmp_path / "map.yaml").write_text(mapping)
    d = DATA / case
    return run_timeloop(tmp_path / "problem.yaml", d / "arch.yaml", tmp_path / "map.yaml", d / "ERT_summary.yaml")


def _small_os(tmp_path: Path, mapping: str = SMALL_OS_MAP):  # type: ignore[no-untyped-def]
    return _small(tmp_path, mapping, "simple_os_default")


def test_a_small_timeloop_split_nest_in_the_engine_equals_the_reference_model(tmp_path):
    """simple_os's mapping shape on a small layer (P split across pe_spad and weight_reg, M
    on the array, strided and padded): the engine's counts of the pinned mapping equal the
    reference model's literal walk, and that walk computes the convolution."""
    p, spec, m, _ = _engine(_small_os(tmp_path).nest, "timeloop_simple_os")
    assert m.rf_loops == (("C", 2), ("F", 2), ("R", 3), ("F", 2)) and m.keep_at == (3, 4, 0)
    _engine_equals_reference(p, spec, m, seed=5)


def _engine_equals_reference(p, spec, m, seed: int) -> None:  # type: ignore[no-untyped-def]
    """The engine's counts of mapping ``m`` equal the reference model's literal walk, and that
    walk computes the convolution."""
    from accelsim.dataflow import dataflow_for
    from accelsim.engine.evaluate import run_kernel
    from accelsim.reference.check import SLOTS, reference_counts
    from accelsim.reference.conv import conv_problem

    df = dataflow_for(spec.dataflow, spec.array.kind)
    rng = np.random.default_rng(seed)
    w = rng.integers(-4, 5, (p.G, p.M, p.C, p.R, p.S))
    x = rng.integers(-4, 5, (p.N, p.G, p.C, p.H, p.W))
    out = np.zeros((p.N, p.G, p.M, p.E, p.F), np.int64)
    ref = reference_counts(p, df, m, values=(w, x, out))
    np.testing.assert_array_equal(out, conv_problem(p, w, x))
    got = run_kernel(p, df, m)[0]
    assert {k: int(got[i]) for k, i in SLOTS.items()} == {k: ref.get(k, 0) for k in SLOTS}


def _replace(text: str, *pairs: tuple[str, str]) -> str:
    """``text`` with each ``old`` (found once) replaced by ``new``."""
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _swap(*pairs: tuple[str, str]) -> str:
    return _replace(SMALL_OS_MAP, *pairs)


GLB_T, DRAM_T = "target: shared_glb, type: temporal, factors: C1 M1 R3 S1 N1 P1 Q2", "target: DRAM, type: temporal, factors: C1 M2 R1 S1 N1 P2 Q2"
REFUSED = {
    "Q split across the GLB and the fan-out's temporal loops": (
        _swap((DRAM_T, DRAM_T.replace("Q2", "Q1"))) + "  - {target: inter_PE_spatial, type: "
        "temporal, factors: C1 M1 R1 S1 N1 P1 Q2, permutation: QCMRSNP}\n",
        r"map.yaml: mapping \(target inter_PE_spatial, type temporal\): Q is split across two loops between shared_glb and the PE "
        r"array.*Expected one loop of Q there"),
    "P in three loops inside the PE": (
        _swap((DRAM_T, DRAM_T.replace("P2", "P1"))) + "  - {target: output_activation_reg, type: temporal, factors: C1 M1 R1 S1 N1 "
        "P2 Q1, permutation: PCMRSNQ}\n",
        r"map.yaml: mapping \(target output_activation_reg, type temporal\): P in a third loop inside the PE.*at most two loops of P"),
    "a filter dim tiled at DRAM": (
        _swap((GLB_T, GLB_T.replace("R3", "R1")), (DRAM_T, DRAM_T.replace("R1", "R3"))),
        r"map.yaml: mapping \(target DRAM, type temporal\): DRAM loops over R3; accelsim's GLB tile always holds a whole filter "
        r"window"),
}


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_what_the_engine_cannot_pin_is_one_error_naming_the_directive(tmp_path, what):
    """Timeloop's mapping is valid (its factors multiply to the problem's) but its nest has a
    freedom the engine lacks: one error naming the directive, and nothing counted."""
    from accelsim.timeloop.engine import engine_pin

    text, words = REFUSED[what]
    nest = _small_os(tmp_path, text).nest
    with pytest.raises(AccelsimError, match=words):
        engine_pin(nest, 16, 16)


EYERISS = ("eyeriss_like_default", "ispass2020_06_eyeriss_VGG02_layer5")


@pytest.mark.parametrize("case", EYERISS)
def test_eyeriss_like_two_fan_outs_pinned_in_the_engine(case):
    """eyeriss_like fans the PEs out twice (inter_PE_column_spatial, meshX 14; inter_PE_spatial,
    meshY 12) through dummy levels that keep nothing: one 12 x 14 array, Spatial-Y down the
    rows (Timeloop's split), Spatial-X across the columns. Where the two conventions count
    the same thing the engine equals Timeloop's statistics: the MACs and compute cycles; the
    weights at DRAM, none at the GLB they bypass, the weights_spad fills (the RF's weight
    writes); the outputs DRAM takes (psum + ofmap writes) and gives back (psum reads); the
    GLB's output fills + updates (its psum + ofmap writes) and reads (its psum reads less one
    read-before-drain per psum written back to DRAM); the psum_spad updates (RF psum writes)."""
    r = _case(case)
    ref = _ref(case)
    exp = _expected(ref)
    every = {k: tuple(x * v[4] for x in v[:3]) for k, v in exp.items()}  # reads, fills, updates over all instances
    p, spec, m, c = _engine(r.nest, "timeloop_eyeriss_like")
    a = c.accesses
    lay = {"eyeriss_like_default": ("C3 × R3", "E14"), "ispass2020_06_eyeriss_VGG02_layer5": ("M4 × R3", "E14")}[case]
    from accelsim.dataflow import dataflow_for

    desc = m.describe(dataflow_for(spec.dataflow, spec.array.kind))
    assert (desc["pe_rows"], desc["pe_cols"]) == lay  # as map.txt's Spatial-Y and Spatial-X loops
    assert c.macs == int(ref["summary"]["Computes"]) and c.compute_cycles == int(ref["summary"]["Cycles"])
    assert ("shared_glb", "Weights") not in exp and a["GLB"]["weight"] == {"reads": 0, "writes": 0}
    assert a["DRAM"]["weight"]["reads"] == every[("DRAM", "Weights")][0]
    assert a["RF"]["weight"]["writes"] == every[("weights_spad", "Weights")][1]
    assert a["DRAM"]["psum"]["writes"] + a["DRAM"]["ofmap"]["writes"] == every[("DRAM", "Outputs")][2]
    assert a["DRAM"]["psum"]["reads"] == every[("DRAM", "Outputs")][0]
    g = every[("shared_glb", "Outputs")]
    assert a["GLB"]["psum"]["writes"] + a["GLB"]["ofmap"]["writes"] == g[1] + g[2]
    assert a["GLB"]["psum"]["reads"] - a["DRAM"]["psum"]["writes"] == g[0]
    assert a["RF"]["psum"]["writes"] == every[("psum_spad", "Outputs")][2]
    assert 0 < c.cycles - c.compute_cycles < 50  # the exposed first fill and last write-back


# eyeriss_like's reference mapping, its factors shrunk to SMALL_OS_PROBLEM: psum_spad M2,
# weights_spad R3, C2 S3 down the rows, Q4 across the columns, shared_glb P8, DRAM M2
SMALL_EYERISS_MAP = _replace(
    (DATA / "eyeriss_like_default" / "map.yaml").read_text().rstrip("\n") + "\n",
    ("factors: C1 M8 R1 S1 N1 P1 Q1", "factors: C1 M2 R1 S1 N1 P1 Q1"),
    ("factors: C3 M1 R1 S3 N1 P1 Q1", "factors: C2 M1 R1 S3 N1 P1 Q1"),
    ("factors: C1 M1 R1 S1 N1 P1 Q14", "factors: C1 M1 R1 S1 N1 P1 Q4"),
    ("factors: C1 M1 R1 S1 N1 P14 Q4", "factors: C1 M1 R1 S1 N1 P8 Q1"),
    ("factors: C1 M4 R1 S1 N1 P8 Q2", "factors: C1 M2 R1 S1 N1 P1 Q1"))


def _small_eyeriss(tmp_path: Path, mapping: str = SMALL_EYERISS_MAP):  # type: ignore[no-untyped-def]
    return _small(tmp_path, mapping, "eyeriss_like_default")


def test_a_small_two_fan_out_nest_in_the_engine_equals_the_reference_model(tmp_path):
    """eyeriss_like's mapping shape (S and C down the rows, Q across the columns, R at
    weights_spad, M at psum_spad) on a small strided, padded layer: the engine's counts of the
    pinned mapping equal the reference model's literal walk, and that walk computes the
    convolution."""
    from accelsim.dataflow import dataflow_for

    p, spec, m, _ = _engine(_small_eyeriss(tmp_path).nest, "timeloop_eyeriss_like")
    assert m.rf_loops == (("S", 3), ("M", 2))
    desc = m.describe(dataflow_for(spec.dataflow, spec.array.kind))
    assert (desc["pe_rows"], desc["pe_cols"]) == ("C2 × R3", "E4")
    _engine_equals_reference(p, spec, m, seed=7)


FAN_REFUSED = {
    "a temporal loop between the two fan-outs": (
        _replace(SMALL_EYERISS_MAP, ("factors: C1 M1 R1 S1 N1 P8 Q1", "factors: C1 M1 R1 S1 N1 P4 Q1"),
                 ("target: inter_PE_spatial\n    type: temporal\n    factors: C1 M1 R1 S1 N1 P1 Q1",
                  "target: inter_PE_spatial\n    type: temporal\n    factors: C1 M1 R1 S1 N1 P2 Q1")),
        r"map.yaml: mapping \(target inter_PE_spatial, type temporal\): a temporal loop \(P2\) between two fan-outs"),
    "Spatial-X factors beyond the array's columns": (
        _replace(SMALL_EYERISS_MAP, ("permutation: SCMRNPQ\n    split: 0", "permutation: SCMRNPQ\n    split: 2")),
        r"map.yaml: mapping: Timeloop's Spatial-X factors \(Q4 C2 S3\) need 24 PE columns; the accelsim array has 14"),
}


@pytest.mark.parametrize("what", sorted(FAN_REFUSED))
def test_what_two_fan_outs_cannot_pin_is_one_error_naming_the_directive(tmp_path, what):
    from accelsim.timeloop.engine import engine_pin

    text, words = FAN_REFUSED[what]
    nest = _small_eyeriss(tmp_path, text).nest
    with pytest.raises(AccelsimError, match=words):
        engine_pin(nest, 12, 14)


def test_fan_outs_with_a_storage_level_between_them_are_refused(tmp_path):
    """A level that keeps data between two fan-outs is a second array level the engine lacks."""
    from accelsim.timeloop.engine import engine_pin

    arch = (DATA / "eyeriss_like_default" / "arch.yaml").read_text()
    old = "  - !Container # Each PE in the column receives a different filter row"
    assert arch.count(old) == 1
    (tmp_path / "arch.yaml").write_text(arch.replace(old, "  - !Component\n    name: col_buf\n    class: regfile\n"
                                                     "    attributes: {depth: 16, width: 16, datawidth: 8}\n" + old))
    (tmp_path / "problem.yaml").write_text(SMALL_OS_PROBLEM)
    (tmp_path / "map.yaml").write_text(SMALL_EYERISS_MAP + "  - {target: col_buf, type: datatype, keep: [Inputs], "
                                       "bypass: [Weights, Outputs]}\n")
    nest = run_timeloop(tmp_path / "problem.yaml", tmp_path / "arch.yaml", tmp_path / "map.yaml").nest
    with pytest.raises(AccelsimError, match=r"the PEs fan out at more than one level .*col_buf"):
        engine_pin(nest, 12, 14)


@pytest.mark.parametrize("old, new, bound", [
    ("read_bandwidth: 16", "read_bandwidth: 1", "read"),
    ("write_bandwidth: 16", "write_bandwidth: 2", "write"),
    ("read_bandwidth: 16", "read_bandwidth: 16\n      shared_bandwidth: 3", "shared"),
])
def test_a_level_whose_bandwidth_binds_stretches_timeloops_cycles(tmp_path, old, new, bound):
    """Timeloop's cycles with a bandwidth that binds (its rule: BufferLevel::ComputePerformance,
    NVlabs/timeloop src/model/buffer.cpp — per level, the per-instance reads summed over the
    data spaces over read_bandwidth, fills + updates over write_bandwidth, both over
    shared_bandwidth; cycles = the largest quotient, rounded up, or the compute cycles).
    simple_ws's shared_glb with its bandwidth cut, the accesses taken from Timeloop's own
    statistics of that mapping (which the bandwidth does not change)."""
    d = DATA / "simple_ws_default"
    arch = (d / "arch.yaml").read_text()
    assert arch.count(old) == 1
    (tmp_path / "arch.yaml").write_text(arch.replace(old, new))
    r = run_timeloop(d / "problem.yaml", tmp_path / "arch.yaml", d / "map.yaml", d / "ERT_summary.yaml")
    exp = _expected(_ref("simple_ws_default"))
    glb = [v for (lv, _), v in exp.items() if lv == "shared_glb"]
    reads, writes = sum(v[0] for v in glb), sum(v[1] + v[2] for v in glb)
    assert (reads, writes) == (24192 + 2709504 + 3211264, 864 + 151875 + 3612672)
    want = {"read": -(-reads // 1), "write": -(-writes // 2), "shared": -(-(reads + writes) // 3)}[bound]
    assert r.counts.cycles == want > r.counts.compute_cycles == 903168
    assert r.counts.bound_by() == f"shared_glb {bound} bandwidth"
    assert _case("simple_ws_default").counts.bound_by() is None  # as shipped, 16 words each way never binds


def test_import_refuses_a_shared_glb_bandwidth_by_name(run_cli, tmp_path):
    """accelsim's GLB has a read and a write bandwidth apart: Timeloop's shared_bandwidth is one
    error naming the key, nothing written; Timeloop's own count of it still runs."""
    d = _copy("simple_ws_default", tmp_path)
    _edit(d / "arch.yaml", "read_bandwidth: 16", "read_bandwidth: 16\n      shared_bandwidth: 3")
    code, out, err = run_cli("import", "timeloop", d / "problem.yaml", d / "arch.yaml", d / "map.yaml", "-o", tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()
    assert "arch.yaml" in err and "shared_glb.attributes.shared_bandwidth" in err and err.count("\n") == 1
    code, out, err = run_cli("run", d / "problem.yaml", d / "arch.yaml", "--compat", "timeloop", "--mapping", d / "map.yaml",
                             "--convention", "timeloop", "--no-color")
    assert code == 0 and "bound by shared_glb shared bandwidth" in out


def test_accelsims_mapper_gets_the_glb_the_architecture_allows():
    """simple_os's mapping keeps Outputs out of shared_glb, its architecture does not: the
    config the engine pins the mapping on bypasses them; the one accelsim's mapper searches
    keeps every type (Timeloop's stats: shared_glb keeps Weights and Inputs only)."""
    from accelsim.timeloop.hardware import imported

    nest = _case("simple_os_default").nest
    assert sorted(_ref("simple_os_default")["levels"][-2]["dataspaces"]) == ["Inputs", "Weights"]
    assert imported(nest, "x")[0]["glbs"][0]["holds"] == ["weight", "ifmap"]
    assert imported(nest, "x", mapping_bypass=False)[0]["glbs"][0]["holds"] == ["weight", "ifmap", "psum", "ofmap"]
    eyeriss = _case("eyeriss_like_default").nest  # its architecture's constraint keeps weights out
    assert imported(eyeriss, "x", mapping_bypass=False)[0]["glb_bypass"] == ["weight"]


def test_compat_timeloop_keeps_timeloops_count_where_the_engine_cannot_pin(run_cli):
    """A 1-level 1-D exercise (no fan-out): by default Timeloop's count is printed and the
    engine's refusal said beside it; --convention accelsim makes the refusal the error."""
    d = DATA / "exercises" / "ispass2020_timeloop_00-model-conv1d-1level"
    args = ("run", d / "input.yaml", d / "input.yaml", "--compat", "timeloop")
    code, out, err = run_cli(*args, "--no-color")
    assert code == 0, err
    assert "counted under Timeloop's convention" in out and "engine cannot pin this mapping" in out and "no spatial fan-out" in out
    code, out, err = run_cli(*args, "--json")
    assert "no spatial fan-out" in json.loads(out)["accelsim"]["refused"]
    code, out, err = run_cli(*args, "--convention", "accelsim")
    assert code == 2 and out == "" and "no spatial fan-out" in err and err.count("\n") == 1
