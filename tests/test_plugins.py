"""User-defined dataflows (accelsim/dataflow/plugin.py, accelsim/reference/check.py):
loaded from a file, their declarations checked, run literally by the reference model
against a NumPy convolution — a correct one runs, each kind of mistake fails naming it."""
from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

import accelsim
from accelsim.dataflow import DATAFLOWS, Dataflow, dataflow_for
from accelsim.dataflow.plugin import from_class, load
from accelsim.engine.problem import Problem
from accelsim.errors import AccelsimError
from accelsim.reference.check import check_dataflow
from accelsim.reference.conv import conv2d, conv_problem
from accelsim.workload.loader import load_workload

from conftest import DATA
from naive import conv2d as naive_conv2d

PLUGINS = DATA / "plugins"
TINY = PLUGINS / "tiny.yaml"


def test_package_convolution_equals_the_tests_own():
    rng = np.random.default_rng(3)
    for stride, pad, dil, groups in ((1, (0, 0, 0, 0), 1, 1), (2, (1, 1, 1, 1), 1, 1), (1, (1, 0, 2, 1), 2, 2), (3, (2, 2, 0, 0), 1, 3)):
        x = rng.integers(-5, 6, (2, 6, 9, 8))
        w = rng.integers(-5, 6, (6, 6 // groups, 3, 2))
        got = conv2d(x, w, stride, pad, dil, groups)
        for n in range(2):
            want, _ = naive_conv2d(x[n], w, stride, pad, dil, groups)
            np.testing.assert_array_equal(got[n], want)


def test_conv_problem_indexes_groups_like_the_engine():
    p = Problem(N=1, G=2, M=2, C=3, E=2, F=2, R=2, S=2, H=3, W=3)
    rng = np.random.default_rng(0)
    w = rng.integers(-3, 4, (2, 2, 3, 2, 2))
    x = rng.integers(-3, 4, (1, 2, 3, 3, 3))
    out = conv_problem(p, w, x)
    # o[n, g, m, e, f] = sum over c, r, s of w[g, m, c, r, s] * x[n, g, c, e + r, f + s]
    for g, m, e, f in np.ndindex(2, 2, 2, 2):
        assert out[0, g, m, e, f] == (w[g, m] * x[0, g, :, e : e + 2, f : f + 2]).sum()


def test_shipped_dataflows_pass_the_check():
    for df in DATAFLOWS.values():
        check_dataflow(df, n=3)


def test_correct_plugin_passes_and_runs_like_the_shipped_one():
    df = load(f"{PLUGINS / 'good_os.py'}:OutputStationary")
    assert isinstance(df, Dataflow) and df.name == "my-os"
    check_dataflow(df)
    mine = accelsim.run(TINY, "eyeriss", dataflow=f"{PLUGINS / 'good_os.py'}:OutputStationary")
    shipped = accelsim.run(TINY, "eyeriss", dataflow="os")  # the same declarations
    net = load_workload(TINY)
    assert mine.dataflow == "my-os"
    for a, b, layer in zip(mine.layers, shipped.layers, net.layers):
        assert a.macs == layer.macs  # N·M·E·F·(C/G)·R·S, the workload's closed form
        assert a.accesses == b.accesses and a.cycles == b.cycles


def test_python_api_takes_the_class_or_an_instance():
    ns: dict = {}
    exec((PLUGINS / "good_os.py").read_text(), ns)
    cls = ns["Declarative"]
    by_class = accelsim.run(TINY, "eyeriss", dataflow=cls)
    by_instance = accelsim.run(TINY, "eyeriss", dataflow=from_class(cls))
    ws = accelsim.run(TINY, "eyeriss", dataflow="ws")
    assert by_class.dataflow == "declarative"
    assert [l.accesses for l in by_class.layers] == [l.accesses for l in by_instance.layers] == [l.accesses for l in ws.layers]
    assert dataflow_for(cls, "spatial").rows == ("C",)
    assert dataflow_for(f"{PLUGINS / 'good_os.py'}:OutputStationary", "spatial").name == "my-os"
    assert dataflow_for("os", "spatial") is DATAFLOWS["os"]


@pytest.mark.parametrize(
    "ref, message",
    [
        ("skips.py", "first wrong output element is (n=0, m=0, e=0, f=0), expected 7, got 4; the schedule did 12 MACs, the layer needs 24"),
        ("repeats.py", "first wrong output element is (n=0, m=0, e=0, f=0), expected 7, got 14; the schedule did 48 MACs"),
        ("swapped.py", "order() is not the loop nest rf_order = N > M > C > R > S declares"),
    ],
)
def test_wrong_plugins_fail_naming_the_mistake(ref, message, run_cli):
    with pytest.raises(AccelsimError) as exc:
        check_dataflow(load(str(PLUGINS / ref)))
    assert message in str(exc.value)
    # and on the command line: one paragraph, exit status 2, no traceback
    code, out, err = run_cli("run", TINY, "eyeriss", "--dataflow", PLUGINS / ref, "--quiet")
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_the_layer_and_mapping_are_named():
    with pytest.raises(AccelsimError) as exc:
        check_dataflow(load(str(PLUGINS / "skips.py")))
    text = str(exc.value)
    assert "skips.py: class SkipsLastColumn:" in text  # the user's file and class, not a name that may be a shipped one's
    assert "on the layer N=1 C=1 H=4 W=3 M=1 R=3 S=2 -> E=2 F=2, mapped PE rows E3, cols F2" in text


def test_cli_runs_a_plugin(run_cli):
    code, out, err = run_cli("run", TINY, "eyeriss", "--dataflow", f"{PLUGINS / 'good_os.py'}:OutputStationary", "--json", "-")
    assert code == 0, err
    data = json.loads(out)
    assert data["dataflow"] == "my-os"
    assert data["totals"]["macs"] == sum(l.macs for l in load_workload(TINY).layers)


def _plugin(tmp_path, body: str, name: str = "mine.py"):
    f = tmp_path / name
    f.write_text("from accelsim.dataflow import Dataflow\n\n" + textwrap.dedent(body))
    return f


OS_BODY = """
class Mine(Dataflow):
    rows = {rows}
    cols = {cols}
    rf_order = {rf_order}
    keep = {keep}
    pass_order = {pass_order}
"""
GOOD = dict(rows='("E",)', cols='("F",)', rf_order='("N", "M", "C", "R", "S")',
            keep='{"weight": "mac", "ifmap": "mac", "psum": "M"}', pass_order='("G", "N", "M", "E", "F", "C", "R", "S")')


@pytest.mark.parametrize(
    "change, where, found",
    [
        (dict(rows='("E", "X")'), "class Mine, rows", "found 'X'"),
        (dict(cols='("E",)'), "class Mine, rows", "a dim is on both rows and cols"),
        (dict(keep='{"weight": "mac", "ifmap": "mac", "output": "M"}'), "class Mine, keep", "a data type that does not exist: 'output'"),
        (dict(keep='{"weight": "mac", "ifmap": "mac", "psum": "K"}'), "class Mine, keep['psum']", "found 'K'"),
        (dict(keep='{"weight": "mac", "psum": "M"}'), "class Mine, keep", "does not say what the RF does with ifmap"),
        (dict(pass_order='("G", "N", "M", "E", "F", "C", "R")'), "class Mine, pass_order", "found 'missing S'"),
        (dict(rf_order='("N", "M", "C", "C", "S")'), "class Mine, rf_order", "names a dim twice"),
    ],
)
def test_invalid_declarations(tmp_path, change, where, found):
    f = _plugin(tmp_path, OS_BODY.format(**{**GOOD, **change}))
    with pytest.raises(AccelsimError) as exc:
        load(f"{f}:Mine")
    text = str(exc.value)
    assert text.startswith(f"{f}: {where}:") and found in text


def test_loading_errors(tmp_path, run_cli):
    good = _plugin(tmp_path, OS_BODY.format(**GOOD))
    plain = _plugin(tmp_path, 'class Mine:\n    rows = ("E",)\n', "plain.py")
    part = _plugin(tmp_path, 'class Mine(Dataflow):\n    rows = ("E",)\n', "part.py")
    imp = _plugin(tmp_path, "import nonexistent_module_xyz\n", "imp.py")
    cases = [
        (f"{tmp_path / 'nope.py'}:Mine", "no such dataflow file"),
        (f"{PLUGINS / 'syntax.py'}:Broken", "line 6: syntax error on line 6"),
        (f"{good}:Other", "the file defines no class 'Other'. Expected a Dataflow subclass defined in the file: one of Mine"),
        (f"{plain}:Mine", "must subclass accelsim.dataflow.Dataflow"),
        (f"{part}:Mine", "does not declare cols, rf_order, keep, pass_order"),
        (str(imp), "importing it raised ModuleNotFoundError"),
        (str(PLUGINS / "good_os.py"), "name the dataflow class after a colon. Expected path.py:ClassName (one of OutputStationary, Declarative)"),
        ("nope", "unknown dataflow 'nope'"),
    ]
    for ref, message in cases:
        code, out, err = run_cli("run", TINY, "eyeriss", "--dataflow", ref, "--quiet")
        assert code == 2 and message in err and "Traceback" not in err, (ref, err)


def test_order_hook_errors(tmp_path):
    body = OS_BODY.format(**GOOD) + "\n    def order(self, extent):\n        CODE\n"
    for code, message in [
        ("raise NotImplementedError('write the loop nest')", "order() raised NotImplementedError: write the loop nest"),
        ("yield (0, 0, 0)", "order() step 0 is not a step of the RF loops. Expected a tuple of 5 indices (N, M, C, R, S)"),
        ("yield (0, 0, 0, 0, extent['S'])", "order() step 0 is not a step of the RF loops"),
        ("import itertools; yield from itertools.repeat((0, 0, 0, 0, 0))", "order() does not stop"),
    ]:
        f = _plugin(tmp_path, body.replace("CODE", code))
        with pytest.raises(AccelsimError) as exc:
            check_dataflow(load(f"{f}:Mine"))
        assert message in str(exc.value), str(exc.value)


def test_plugin_needs_a_spatial_array_and_an_rf_that_holds_what_it_keeps(run_cli):
    ref = f"{PLUGINS / 'good_os.py'}:OutputStationary"
    code, _, err = run_cli("run", TINY, "tpu_v1", "--dataflow", ref, "--quiet")
    assert code == 2 and "a user's dataflow runs on a spatial array" in err
