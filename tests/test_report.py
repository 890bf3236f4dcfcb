"""accelsim.report: every figure, for two networks, holds the result's own numbers.

The values drawn are read back from the figure (bar heights and bottoms from the Axes'
bar containers, wedge angles, scatter offsets) and compared with sums the test makes
itself from the result's per-layer counts and energies (which tests/test_run.py holds to
closed forms and the energy table), with the hardware's figures from its own spec, and
with the zoo's weight counts (torchvision's, tests/test_zoo.py). Also: the JSON round
trip that ``accelsim plot`` depends on, and the CLI entries (run --plot/--out, plot,
compare) with their errors.
"""
from __future__ import annotations

import json
import math

import pytest
from matplotlib.container import BarContainer

from accelsim.api import run_all
from accelsim.errors import AccelsimError
from accelsim.hardware import derived, load_hardware
from accelsim.report import (
    dataflow_comparison,
    energy_breakdown,
    energy_totals,
    latency,
    network_comparison,
    result_from_dict,
    roofline,
    standard_figures,
)
from accelsim.result import DTYPES, MultiResult
from accelsim.workload.zoo import build

from conftest import REPO

NETS = ("googlenet", "alexnet")
LEVELS = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
MOVING = ("RF", "NoC", "GLB", "DRAM")


@pytest.fixture(scope="module")
def eyeriss():
    return load_hardware(REPO / "hw_configs" / "eyeriss.yaml")


@pytest.fixture(scope="module")
def multis(eyeriss) -> dict[str, MultiResult]:
    """Each network with every dataflow Eyeriss runs (the per-run figures use each run)."""
    return {n: run_all(build(n), eyeriss) for n in NETS}


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def stacks(ax) -> dict[str, list]:
    """Bar containers of an Axes by label: {series: [patches]}."""
    return {c.get_label(): list(c.patches) for c in ax.containers if isinstance(c, BarContainer)}


def bars_to_layers(labels: list[str], layers) -> list[list]:
    """Which layers each bar sums: consecutive layers whose name is the bar's label or
    starts with it (then '.' or '/'), in network order; every layer used exactly once."""
    out, i = [], 0
    for lab in labels:
        members = []
        while i < len(layers) and (layers[i].name == lab or layers[i].name.startswith((lab + ".", lab + "/"))):
            members.append(layers[i])
            i += 1
        assert members, f"bar {lab!r} matches no layer at position {i}"
        out.append(members)
    assert i == len(layers)
    return out


def check_stacked(ax, expected: dict[str, list[float]]) -> None:
    """Every series' segment heights equal ``expected`` and each sits on the ones below."""
    drawn = stacks(ax)
    assert set(drawn) == set(expected)
    n = len(next(iter(expected.values())))
    bottom = [0.0] * n
    for name in drawn:  # drawing order = stacking order
        heights = [p.get_height() for p in drawn[name]]
        assert len(heights) == n
        for i in range(n):
            assert close(heights[i], expected[name][i]), (name, i, heights[i], expected[name][i])
            assert close(drawn[name][i].get_y(), bottom[i])
            bottom[i] += heights[i]


@pytest.mark.parametrize("net", NETS)
@pytest.mark.parametrize("group", [False, True])
def test_energy_breakdown_by_level_and_type(multis, net, group):
    for r in multis[net].runs[:2]:
        fig = energy_breakdown(r, group=group)
        ax1, ax2 = fig.axes[:2]
        labels = fig.accelsim_labels
        members = bars_to_layers(labels, r.layers)
        if not group:
            assert labels == [l.name for l in r.layers]  # every layer, network order
        elif net == "googlenet":
            assert "inception3a" in labels and "inception5b" in labels and len(labels) < 30
        has_simd = any(l.energy["SIMD"] for l in r.layers)
        levels = [k for k in LEVELS if k != "SIMD" or has_simd]
        check_stacked(ax1, {k: [math.fsum(l.energy[k] for l in m) for m in members] for k in levels})
        by_type = {t: [math.fsum(l.energy_by_type[t] for l in m) for m in members] for t in DTYPES}
        by_type["compute"] = [math.fsum(l.energy["MAC"] + l.energy["SIMD"] for l in m) for m in members]
        check_stacked(ax2, by_type)
        # both panels stack to each bar's whole energy
        top1 = [sum(p.get_height() for ps in stacks(ax1).values() for p in [ps[i]]) for i in range(len(members))]
        top2 = [sum(p.get_height() for ps in stacks(ax2).values() for p in [ps[i]]) for i in range(len(members))]
        for i, m in enumerate(members):
            whole = math.fsum(l.total_energy for l in m)
            assert math.isclose(top1[i], whole, rel_tol=1e-9) and math.isclose(top2[i], whole, rel_tol=1e-9)
        title = ax1.get_title()
        assert r.workload in title and r.hardware in title and r.dataflow in title and r.energy_unit in title
        # thinned, rotated labels: at most 60, each naming the bar under it
        ticks = ax2.get_xticks()
        names = [t.get_text() for t in ax2.get_xticklabels()]
        assert len(names) <= 60 and all(names[j] == labels[int(ticks[j])] for j in range(len(names)))
        if not group and net == "googlenet":  # 195 bars: the 58 conv/fc layers are the ones named
            assert names == [l.name for l in r.layers if l.macs]


@pytest.mark.parametrize("net", NETS)
def test_energy_totals_donut(multis, net):
    r = multis[net].runs[0]
    fig = energy_totals(r)
    ax = fig.axes[0]
    totals = {k: math.fsum(l.energy[k] for l in r.layers) for k in LEVELS}
    whole = math.fsum(totals.values())
    wedges = [p for p in ax.patches if p.get_label() in LEVELS]
    assert {w.get_label() for w in wedges} == {k for k in LEVELS if totals[k] > 0}
    for w in wedges:
        assert math.isclose((w.theta2 - w.theta1) / 360, totals[w.get_label()] / whole, rel_tol=1e-6)
    moving = math.fsum(totals[k] for k in MOVING) / whole
    texts = [t.get_text() for t in ax.texts]
    assert f"{moving:.0%}" in texts and "data movement" in texts
    assert r.workload in ax.get_title() and r.energy_unit in ax.get_title()


@pytest.mark.parametrize("net", NETS)
def test_dataflow_comparison(multis, net, eyeriss):
    m = multis[net]
    fig = dataflow_comparison(m)
    ax1, ax2 = fig.axes[:2]
    assert [t.get_text() for t in ax1.get_xticklabels()] == list(eyeriss.dataflows)
    per_mac = {}
    for k in LEVELS:
        per_mac[k] = [math.fsum(l.energy[k] for l in r.layers) / sum(l.macs for l in r.layers) for r in m.runs]
    drawn = stacks(ax1)
    check_stacked(ax1, {k: per_mac[k] for k in drawn})
    # Eyeriss' table costs a MAC 1 (ISCA 2016, Fig. 6 normalization): MAC energy per MAC is 1
    assert all(close(p.get_height(), 1.0) for p in drawn["MAC"])
    dram = {t: [sum(l.accesses["DRAM"][t]["reads"] + l.accesses["DRAM"][t]["writes"] for l in r.layers)
                / sum(l.macs for l in r.layers) for r in m.runs] for t in DTYPES}
    check_stacked(ax2, dram)
    assert m.runs[0].workload in fig.get_suptitle() and m.runs[0].energy_unit in fig.get_suptitle()


@pytest.mark.parametrize("net", NETS)
def test_latency_compute_stalls_utilization(multis, net, eyeriss):
    r = multis[net].runs[-1]
    fig = latency(r)
    ax1, ax2 = fig.axes[:2]
    check_stacked(ax1, {"compute": [l.cycles - l.stall_cycles for l in r.layers], "stall": [l.stall_cycles for l in r.layers]})
    util = stacks(ax2)["utilization"]
    for p, l in zip(util, r.layers):
        want = 100 * l.macs / (eyeriss.pes * l.cycles) if l.cycles else 0.0
        assert close(p.get_height(), want) and close(p.get_height(), 100 * l.utilization)


@pytest.mark.parametrize("net", NETS)
def test_roofline_places_every_mac_layer(multis, net, eyeriss):
    d = derived(eyeriss)
    for r in multis[net].runs:
        fig = roofline(r)
        ax = fig.axes[0]
        (roof,) = [l for l in ax.lines if l.get_gid() == "roof"]
        for x, y in zip(roof.get_xdata(), roof.get_ydata()):
            assert close(y, min(d["peak_macs_per_cycle"], x * d["dram_bytes_per_cycle"]))
        (pts,) = [c for c in ax.collections if c.get_gid() == "layers"]
        offs = pts.get_offsets()
        mac_layers = [l for l in r.layers if l.macs]
        assert len(offs) == len(mac_layers)
        for (x, y), l in zip(offs, mac_layers):
            nbytes = sum((a["reads"] + a["writes"]) * eyeriss.word_bits[t] / 8 for t, a in l.accesses["DRAM"].items())
            assert close(x, l.macs / nbytes) and close(y, l.macs / l.cycles)
            # a layer runs at or under the roof: cycles >= MACs / PEs and >= DRAM bytes / bandwidth
            assert y <= min(d["peak_macs_per_cycle"], x * d["dram_bytes_per_cycle"]) * (1 + 1e-9)


def test_colours_are_the_same_in_every_figure(multis):
    from matplotlib.colors import to_hex

    from accelsim.report.style import DTYPE_COLORS, LEVEL_COLORS

    m = multis["alexnet"]
    r = m.runs[0]
    seen: dict[str, set[str]] = {}
    for fig in (energy_breakdown(r), energy_breakdown(r, group=True), dataflow_comparison(m)):
        for ax in fig.axes:
            for name, patches in stacks(ax).items():
                seen.setdefault(name, set()).update(to_hex(p.get_facecolor()) for p in patches)
    for w in energy_totals(r).axes[0].patches:
        if w.get_label() in LEVELS:
            seen.setdefault(w.get_label(), set()).add(to_hex(w.get_facecolor()))
    for name, colours in seen.items():
        assert colours == {(LEVEL_COLORS | DTYPE_COLORS)[name]}, name
    assert len(set(LEVEL_COLORS.values())) == len(LEVEL_COLORS)
    assert len({v for k, v in DTYPE_COLORS.items() if k != "compute"} | set(LEVEL_COLORS.values())) == 10


def test_network_comparison(multis):
    results = [multis[n].runs[3] for n in NETS]  # rs
    fig = network_comparison(results)
    ax1, ax2 = fig.axes[:2]
    for ax, field in ((ax1, "weights"), (ax2, "macs")):
        (sc,) = [c for c in ax.collections if c.get_gid() == field]
        for (x, y), name, r in zip(sc.get_offsets(), NETS, results):
            assert x == build(name).totals()[field]
            assert close(y, math.fsum(l.total_energy for l in r.layers))
    # fewer weights is not less energy: GoogLeNet has ~9x fewer weights than AlexNet ...
    g, a = results
    assert g.weights * 9 < a.weights
    assert "rs" in fig.get_suptitle() and g.energy_unit in fig.get_suptitle()


def test_json_round_trip_draws_the_same(multis):
    m = multis["alexnet"]
    back = result_from_dict(json.loads(m.to_json()))
    assert back.to_dict() == m.to_dict()
    one = result_from_dict(json.loads(m.runs[0].to_json()))
    assert one.to_dict() == m.runs[0].to_dict()
    assert set(standard_figures(back)) == {"dataflows"} | {f"{k}_{min(m.runs, key=lambda r: r.totals()['energy_total']).dataflow}"
                                                          for k in ("energy_layers", "energy_totals", "latency", "roofline")}


@pytest.mark.parametrize("edit, where", [
    (lambda d: d.pop("machine"), "machine"),
    (lambda d: d["layers"][0].update(macs=-1), "layer 'conv1', macs"),
    (lambda d: d["layers"][1]["energy"].update(DRAM="x"), "layer 'relu1', energy.DRAM"),
    (lambda d: d["machine"]["word_bits"].pop("psum"), "machine.word_bits.psum"),
])
def test_bad_json_is_one_error(multis, edit, where):
    d = json.loads(multis["alexnet"].runs[0].to_json())
    edit(d)
    with pytest.raises(AccelsimError) as e:
        result_from_dict(d, "r.json")
    assert str(e.value).startswith("r.json: ") and where in str(e.value)


def test_cli_run_plot_then_plot_from_json(run_cli, tmp_path):
    out = tmp_path / "o"
    code, stdout, err = run_cli("run", "alexnet", "eyeriss", "--plot", "--out", out, "--quiet")
    assert code == 0 and stdout == "" and err == ""
    names = {p.name for p in out.iterdir()} - {".accelsim-run.json"}  # the manifest: which run the folder holds
    stems = ("energy_layers", "energy_totals", "latency", "roofline")
    # fusion_dram: the run with --fusion none beside the default onchip, drawn only by run (plot has one run)
    assert names == {"result.json", "layers.csv", "report.html"} | {f"{s}.{f}" for s in stems + ("fusion_dram",) for f in ("png", "svg")}
    assert all((out / f"{s}.png").read_bytes().startswith(b"\x89PNG") for s in stems)
    assert all(b"<svg" in (out / f"{s}.svg").read_bytes()[:2000] for s in stems)
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(stems) + 1 and "http" not in html.replace("http://www.w3.org", "")
    again = tmp_path / "again"
    code, _, err = run_cli("plot", out / "result.json", "--out", again)
    assert code == 0 and "report.html" in err
    assert {p.name for p in again.iterdir()} - {".accelsim-run.json"} == names - {"result.json", "layers.csv", "fusion_dram.png", "fusion_dram.svg"}
    for s in stems:  # the JSON alone draws the same SVGs
        assert (again / f"{s}.svg").read_bytes() == (out / f"{s}.svg").read_bytes()


def test_cli_plot_errors_write_nothing(run_cli, tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text('{"workload": "x"}')
    out = tmp_path / "o"
    code, stdout, err = run_cli("plot", bad, "--out", out)
    assert code == 2 and "Traceback" not in err and str(bad) in err and not out.exists()
    code, _, err = run_cli("plot", tmp_path / "missing.json", "--out", out)
    assert code == 2 and "cannot read" in err and not out.exists()
    bad.write_text("{not json")
    code, _, err = run_cli("plot", bad, "--out", out)
    assert code == 2 and "not valid JSON" in err and not out.exists()


def test_cli_compare(run_cli, tmp_path):
    out = tmp_path / "c"
    code, stdout, err = run_cli("compare", "alexnet", "squeezenet1_1", "eyeriss", "--out", out, "--no-color")
    assert code == 0
    assert "alexnet" in stdout and "squeezenet1_1" in stdout and "energy / MAC" in stdout
    assert {p.name for p in out.iterdir()} == {"compare.png", "compare.svg"}
    code, stdout, _ = run_cli("compare", "alexnet", "squeezenet1_1", "eyeriss", "--json", "--quiet")
    rows = json.loads(stdout)["networks"]
    for row, name in zip(rows, ("alexnet", "squeezenet1_1")):
        t = build(name).totals()
        assert row["weights"] == t["weights"] and row["macs"] == t["macs"]
    code, _, err = run_cli("compare", "alexnet", "eyeriss", "--dataflow", "all", "--out", tmp_path / "x")
    assert code == 2 and "--dataflow" in err and not (tmp_path / "x").exists()
    code, _, err = run_cli("compare", "eyeriss")
    assert code == 2 and "W1" in err
    code, _, err = run_cli("compare", "alexnet", "nosuchnet", "eyeriss", "--out", tmp_path / "y")
    assert code == 2 and "'nosuchnet'" in err and "Traceback" not in err and not (tmp_path / "y").exists()


def test_gallery_is_current_and_complete():
    """docs/gallery.md is what the gallery module writes, and shows every kind of figure."""
    from accelsim.report.gallery import CAPTIONS, gallery_markdown

    text = (REPO / "docs" / "gallery.md").read_text()
    assert text == gallery_markdown(list(CAPTIONS))
    kinds = {"energy_layers", "energy_blocks", "energy_totals", "dataflows", "latency", "roofline", "compare"}
    assert set(CAPTIONS) == kinds
    for k in kinds:
        assert f"(gallery/{k}.png)" in text
        assert (REPO / "docs" / "gallery" / f"{k}.png").read_bytes().startswith(b"\x89PNG")


def test_cli_default_output_folders(run_cli, tmp_path, monkeypatch):
    """Without --out, run --plot writes into ./accelsim-report/ and compare into
    ./accelsim-compare/ (README), nothing anywhere else."""
    monkeypatch.chdir(tmp_path)
    tiny = REPO / "tests" / "data" / "plugins" / "tiny.yaml"
    code, _, err = run_cli("run", tiny, "eyeriss", "--plot", "--quiet")
    assert code == 0 and err == ""
    assert {p.name for p in tmp_path.iterdir()} == {"accelsim-report"}
    assert (tmp_path / "accelsim-report" / "report.html").exists()
    code, _, _ = run_cli("compare", tiny, "alexnet", "eyeriss", "--quiet")
    assert code == 0
    assert {p.name for p in tmp_path.iterdir()} == {"accelsim-report", "accelsim-compare"}
    assert {p.name for p in (tmp_path / "accelsim-compare").iterdir()} == {"compare.png", "compare.svg"}
