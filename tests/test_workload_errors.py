"""Every bad workload gets one clear paragraph naming the file, the layer/field, what was
expected and what was found; the exit code is non-zero and there is no traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

GOOD_HEAD = """\
name: t
input: {C: 4, H: 8, W: 8}
layers:
"""

CASES = {
    # case: (layers YAML, fragments the message must contain)
    "unknown type": (
        "- {name: c1, type: convv, inputs: [input], M: 4}\n",
        ["layer 'c1'", "type", "unknown layer type 'convv'", "did you mean 'conv'", "Expected one of", "found 'convv'"],
    ),
    "missing input": (
        "- {name: c1, type: conv, inputs: [inptu], M: 4, R: 1}\n",
        ["layer 'c1'", "inputs", "unknown input 'inptu'", "did you mean 'input'"],
    ),
    "cycle": (
        "- {name: a, type: activation, fn: relu, inputs: [b]}\n- {name: b, type: activation, fn: relu, inputs: [a]}\n",
        ["cycle", "Expected a DAG", "a -> b -> a"],
    ),
    "non-positive size": (
        "- {name: c1, type: conv, inputs: [input], M: 0, R: 3}\n",
        ["layer 'c1'", "M", "Expected an integer >= 1", "found 0"],
    ),
    "negative size": (
        "- {name: c1, type: conv, inputs: [input], M: 4, R: -3}\n",
        ["layer 'c1'", "R", "found -3"],
    ),
    "kernel larger than padded input": (
        "- {name: c1, type: conv, inputs: [input], M: 4, R: 11, S: 11, pad: 1}\n",
        ["layer 'c1'", "kernel larger than its padded input", "10x10", "found '11x11'"],
    ),
    "channels not divisible by groups": (
        "- {name: c1, type: conv, inputs: [input], M: 6, R: 3, groups: 3}\n",
        ["layer 'c1'", "groups", "not divisible by groups", "C divisible by G=3", "C=4"],
    ),
    "concat mismatch": (
        "- {name: p, type: maxpool, kernel: 2, inputs: [input]}\n- {name: cat, type: concat, inputs: [input, p]}\n",
        ["layer 'cat'", "concat of feature maps with different spatial sizes", "8x8", "4x4"],
    ),
    "stated shape disagrees": (
        "- {name: c1, type: conv, inputs: [input], M: 4, R: 3, E: 8}\n",
        ["layer 'c1'", "E", "stated output size disagrees", "E=6", "found 8"],
    ),
    "unknown key": (
        "- {name: c1, type: conv, inputs: [input], M: 4, strid: 2}\n",
        ["layer 'c1'", "unknown key 'strid'", "did you mean 'stride'"],
    ),
    "duplicate name": (
        "- {name: c1, type: conv, inputs: [input], M: 4, R: 1}\n- {name: c1, type: conv, inputs: [input], M: 4, R: 1}\n",
        ["layer 'c1'", "duplicate name"],
    ),
    "wrong arity": (
        "- {name: s, type: add, inputs: [input]}\n",
        ["layer 's'", "wrong number of inputs for add", "at least 2", "found 1"],
    ),
    "slice beyond the input": (
        "- {name: s, type: slice, start: 2, stop: 9, inputs: [input]}\n",
        ["layer 's'", "stop", "channel range beyond the input", "stop <= C=4", "found 9"],
    ),
    "bad activation": (
        "- {name: a, type: activation, fn: gelu2, inputs: [input]}\n",
        ["layer 'a'", "fn", "unknown value 'gelu2'", "relu"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_workload(case, tmp_path, run_cli):
    layers, fragments = CASES[case]
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD_HEAD + layers)
    code, out, err = run_cli("info", path)
    assert code == 2
    assert out == ""
    assert str(path) in err
    for frag in fragments:
        assert frag in err, (frag, err)
    assert "Traceback" not in err
    assert err.count("\n") == 1  # one paragraph


def test_yaml_syntax_error_gives_line(tmp_path, run_cli):
    path = tmp_path / "broken.yaml"
    path.write_text(GOOD_HEAD + "- {name: c1, type: conv, inputs: [input], M: 4\n- {name: c2}\n")
    code, _, err = run_cli("info", path)
    assert code == 2
    assert "YAML syntax error at line 5" in err and str(path) in err


def test_unsafe_yaml_is_refused(tmp_path, run_cli):
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo pwned']\nlayers: []\n")
    code, out, err = run_cli("info", path)
    assert code == 2 and "pwned" not in out
    assert "YAML" in err


def test_standalone_layer_needs_its_shape(tmp_path, run_cli):
    path = tmp_path / "list.yaml"
    path.write_text("name: l\nlayers:\n- {name: c1, type: conv, C: 3, H: 8, M: 4, R: 3}\n")
    code, _, err = run_cli("info", path)
    assert code == 2 and "layer 'c1'" in err and "missing W" in err


def test_missing_file(run_cli):
    code, _, err = run_cli("info", "no/such/file.yaml")
    assert code == 2 and "no/such/file.yaml: no such file" in err


def test_no_traceback_end_to_end(tmp_path):
    """The installed entry point, as a user runs it: message, exit 2, no traceback."""
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD_HEAD + CASES["unknown type"][0])
    proc = subprocess.run([sys.executable, "-m", "accelsim", "info", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "unknown layer type 'convv'" in proc.stderr
    assert proc.stdout == ""


def test_json_to_file_is_atomic_on_error(tmp_path, run_cli):
    """A failing run leaves no output file behind."""
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD_HEAD + CASES["cycle"][0])
    out = tmp_path / "info.json"
    code, _, _ = run_cli("info", path, "--json", out)
    assert code == 2 and not out.exists()
