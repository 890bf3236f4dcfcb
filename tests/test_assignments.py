"""The teaching kit: every autograder passes the reference solution and fails the
deliberately wrong one with helpful messages; `accelsim grade` and `accelsim assignments
export` behave (exit codes, no solutions in the student copy, nothing half-written)."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accelsim.teach import grading
from accelsim.teach.kit import INSTRUCTOR_ONLY, assignments, find_assignment, kit_dir, solution_dir, wrong_dir

from conftest import DATA, REPO

KIT = REPO / "assignments"

# what each wrong submission must be told (a substring of the failure message per check)
WRONG = {
    "1-counting": {
        "check_conv_macs_and_weights": "each filter sees only C/groups input channels",
        "check_network_totals_match_published_figures": "network_macs('alexnet') differs from the published count",
        "check_depthwise_separable_ratio": "Howard et al., Eq. 5",
        "check_shufflenet_v2_guideline_1": "mac_lower_bound(7, 7, B) is wrong",
    },
    "2-dataflows": {
        "check_computes_the_convolution": "the first wrong output element is (n=0, m=0, e=0, f=0), expected 7, got 4",
        "check_predictions[shape0]": "your prediction of noc_weight is wrong",
        "check_explanation_is_written": "EXPLANATION has 2 words",
    },
    "3-energy": {
        "check_movement_share": "the MACs and the SIMD unit compute, they do not move data",
        "check_alexnet_is_dominated_by_weights": "ALEXNET_DOMINANT = 'ifmap' is not right",
        "check_googlenet_feature_maps": "GOOGLENET_FMAPS_DOMINATE does not match",
        "check_compare_dataflows": "alexnet, ws: your total energy differs",
    },
    "4-dse": {
        "check_storage_bytes": "psums are 4 bytes here",
        "check_feasible_points": "1 listed that do not fit",
        "check_pareto_front_and_best_edp": "pareto_front of the grader's small example is wrong",
    },
    "5-efficient-cnns": {
        "check_rank_by_macs": "is not the order of the published MAC counts",
        "check_answers[eyeriss]": "CHEAPEST['eyeriss']['energy'] = 'shufflenet_v1_g3' is not the cheapest",
        "check_why": "WHY = 'c' is not the reason",
    },
    "6-pruning": {
        "check_compressions": "pruned(): conv1's weights are quantized or shared",
        "check_predictions_are_written_first": "PREDICTED['quantization'] = None",
        "check_saving_by_level[pruning]": "a saving is 1 - compressed / dense, not their ratio",
        "check_fc_share_of_saving": "that the fc layers make",
        "check_answers": "SAVED_TOTAL['pruning'] is not within 0.01",
        "check_why": "WHY = 'c' is not the reason",
    },
}
SLEEPER = DATA / "teach" / "sleeper"

_SCORES: dict[tuple[str, str, float], grading.Score] = {}
_grade_in_a_child = grading.grade


def grade(assignment, submission, time_limit: float = grading.DEFAULT_TIME_LIMIT) -> grading.Score:
    """accelsim.teach.grading.grade, each (assignment, submission, time limit) graded once in
    this file: a grading is deterministic (a child process on the same files), and a test of
    what `accelsim grade` prints from a score reads the same score a test of the grade itself
    checked, instead of paying a child process (numba's start-up, the checks' runs) again.
    A grading that raises (a time limit, an error) is not remembered."""
    key = (str(Path(assignment).resolve()), str(Path(submission).resolve()), float(time_limit))
    if key not in _SCORES:
        _SCORES[key] = _grade_in_a_child(assignment, submission, time_limit)
    return _SCORES[key]


@pytest.fixture(autouse=True)
def _grade_once(monkeypatch):
    """`accelsim grade` (run in-process by run_cli) grades through the cache above."""
    monkeypatch.setattr(grading, "grade", grade)


def test_the_kit_is_complete():
    names = [a.name for a in assignments(KIT)]
    assert names == list(WRONG)
    for a in assignments(KIT):
        assert (a / "handout.md").is_file() and any((a / "starter").glob("*.py")) and any((a / "grader").glob("check_*.py"))
        assert solution_dir(a).is_dir() and wrong_dir(a).is_dir()
    assert kit_dir() == KIT


def _printed_forms(x) -> list[str]:
    """How an expected value could show in a message: as written, with separators, rounded."""
    if isinstance(x, bool) or x is None:
        return []
    if isinstance(x, int):
        return [str(x), f"{x:,}", f"{x:.3g}"] if abs(x) >= 100 else []
    if isinstance(x, float):
        return [repr(x), f"{x:.3g}", f"{x:.4g}", f"{x:.4f}", f"{x:.2f}"]
    if isinstance(x, (list, tuple, dict)):
        forms = [str(x), repr(x)] if len(str(x)) > 8 else []
        items = x.values() if isinstance(x, dict) else x
        return forms + [f for v in items if not isinstance(v, str) for f in _printed_forms(v)]
    return [x] if isinstance(x, str) and len(x) > 6 else []


@pytest.mark.parametrize("name", list(WRONG))
def test_grader_passes_the_solution_and_fails_the_wrong_one_without_giving_answers(name, run_cli):
    a = KIT / name
    good = grade(a, solution_dir(a))
    assert good.failed == [] and good.total >= 4, good.summary()
    bad = grade(a, wrong_dir(a))
    failed = dict(bad.failed)
    for test, message in WRONG[name].items():
        assert test in failed, f"{name}: {test} should fail on the wrong submission\n{bad.summary()}"
        assert message in failed[test], f"{name}: {test}: {failed[test]!r} lacks {message!r}"
    # what the student sees: the score and one line per failed check, no expected value
    code, out, err = run_cli("grade", a, wrong_dir(a))
    assert code == 1 and "Traceback" not in out + err and "pytest" not in out + err
    lines = out.splitlines()
    assert lines[1].startswith("score: ") and all(s.startswith("  FAILED ") for s in lines[2:])
    assert len(lines) == 2 + len(bad.failed)
    hidden = [(o.check, f) for o in bad.outcomes if not o.passed for f in _printed_forms(o.expected)]
    assert any(o.expected is not None for o in bad.outcomes if not o.passed)
    for check, form in hidden:
        assert form not in out, f"{name}: {check}: the student's output shows the expected value {form!r}"
    # the instructor's run shows them
    code, out_i, _ = run_cli("grade", a, wrong_dir(a), "--instructor")
    assert code == 1 and "expected " in out_i
    o = next(o for o in bad.outcomes if not o.passed and o.expected is not None)
    assert repr(o.expected) in out_i


def test_pruning_grader_never_prints_the_measured_numbers():
    import importlib.util

    a = KIT / "6-pruning"
    spec = importlib.util.spec_from_file_location("a6_solution", solution_dir(a) / "pruning.py")
    sol = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sol)
    hw = sol.HARDWARE
    values = [v for c in (sol.pruned(), sol.quantized8()) for v in sol.saving_by_level("alexnet", hw, c).values() if v]
    values.append(sol.fc_share_of_saving("alexnet", hw, sol.pruned()))
    shown = [f"{v:.2f}" for v in values] + [f"{v:.3f}" for v in values] + [f"{100 * v:.1f}" for v in values]
    messages = " ".join(m for _, m in grade(a, wrong_dir(a)).failed)
    assert messages and not [s for s in shown if s in messages]


def test_untouched_starter_fails_every_check_saying_what_is_missing():
    score = grade(KIT / "1-counting", KIT / "1-counting" / "starter")
    assert score.passed == [] and all("is not implemented yet" in m for _, m in score.failed)


def test_grade_command(run_cli, tmp_path):
    code, out, _ = run_cli("grade", "assignments/1", KIT / "_solutions" / "1-counting")
    assert code == 0 and "score: 5/5 checks passed" in out
    code, out, _ = run_cli("grade", "1", KIT / "_wrong" / "1-counting")
    assert code == 1 and "score: 1/5 checks passed" in out and "FAILED check_conv_macs_and_weights: " in out
    code, _, err = run_cli("grade", "9", KIT / "_wrong" / "1-counting")
    assert code == 2 and "no such assignment" in err and "1-counting" in err
    code, _, err = run_cli("grade", "1", KIT / "nowhere")
    assert code == 2 and "no such submission" in err
    assert find_assignment(str(KIT / "2")) == KIT / "2-dataflows"
    # --json, for instructors: the expected values only with --instructor
    code, out, _ = run_cli("grade", "1", KIT / "_wrong" / "1-counting", "--json")
    d = json.loads(out)
    assert code == 1 and (d["passed"], d["total"]) == (1, 5) and "expected" not in d["checks"][1]
    code, out, _ = run_cli("grade", "1", KIT / "_wrong" / "1-counting", "--json", "--instructor")
    d = json.loads(out)
    assert d["checks"][2]["expected"] == 665_784_864 + 58_621_952  # AlexNet's published MACs


def test_grade_bad_input_file_for_folder_and_back(run_cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    code, _, err = run_cli("grade", "1", notes)
    assert code == 2 and "notes.txt" in err and "folder" in err and "Traceback" not in err
    code, _, err = run_cli("grade", notes, KIT / "_solutions" / "1-counting")
    assert code == 2 and "no such assignment" in err and "notes.txt" in err
    code, _, err = run_cli("grade", "1", KIT / "_solutions" / "1-counting" / "counting.py", "--many")
    assert code == 2 and "folder of submissions" in err
    code, _, err = run_cli("grade", "1", KIT / "_solutions" / "1-counting", "--csv", tmp_path / "s.csv")
    assert code == 2 and "--many" in err


def test_grade_stops_a_submission_that_hangs(run_cli):
    t0 = time.monotonic()
    code, out, err = run_cli("grade", "1", SLEEPER, "--time-limit", "3")
    took = time.monotonic() - t0
    assert code == 2 and took < 30, took
    assert "time limit of 3 s" in err and "--time-limit" in err and "check_output_size" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_grade_many_gives_a_csv(run_cli, tmp_path):
    folder = tmp_path / "class"
    shutil.copytree(KIT / "_solutions" / "1-counting", folder / "alice")
    shutil.copytree(KIT / "_wrong" / "1-counting", folder / "bob")
    shutil.copytree(SLEEPER, folder / "carol")
    code, out, err = run_cli("grade", "1", folder, "--many", "--time-limit", "10", "--csv", tmp_path / "scores.csv")
    assert code == 0, err
    assert str(tmp_path / "scores.csv") in err
    rows = list(csv.DictReader((tmp_path / "scores.csv").open()))
    assert [r["submission"] for r in rows] == ["alice", "bob", "carol"]
    assert (rows[0]["passed"], rows[0]["total"], rows[0]["status"]) == ("5", "5", "graded")
    assert (rows[1]["passed"], rows[1]["total"]) == ("1", "5") and "check_conv_macs_and_weights" in rows[1]["failed"]
    assert rows[2]["status"].startswith("time limit")


def test_grading_needs_no_pytest(tmp_path):
    """After the README's first command (no test extra) `accelsim grade` works: here pytest
    cannot be imported at all, in accelsim or in the grader's process."""
    block = tmp_path / "block"
    (block / "pytest").mkdir(parents=True)
    (block / "pytest" / "__init__.py").write_text("raise ImportError('pytest is not installed here')\n")
    env = {**os.environ, "PYTHONPATH": str(block)}
    p = subprocess.run([sys.executable, "-m", "accelsim", "grade", "1", str(KIT / "_wrong" / "1-counting")],
                       capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert p.returncode == 1, p.stderr
    assert "score: 1/5 checks passed" in p.stdout and "pytest" not in p.stdout + p.stderr


def test_export_student_copy_has_no_solutions(tmp_path, run_cli):
    target = tmp_path / "kit"
    code, out, _ = run_cli("assignments", "export", "--student", target)
    assert code == 0 and "student copy" in out
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert not any(f.split("/")[0] in INSTRUCTOR_ONLY for f in files)
    assert not any("__pycache__" in f for f in files)
    for a in assignments(KIT):
        assert f"{a.name}/handout.md" in files and f"{a.name}/grader/{next((a / 'grader').glob('check_*.py')).name}" in files
    # a grader of the student copy runs from there
    assert grade(target / "1-counting", KIT / "_solutions" / "1-counting").failed == []


def test_export_instructor_copy_and_refusals(tmp_path, run_cli):
    target = tmp_path / "all"
    assert run_cli("assignments", "export", "--instructor", target)[0] == 0
    assert (target / "_solutions" / "2-dataflows" / "my_os.py").is_file()
    code, _, err = run_cli("assignments", "export", "--student", target)
    assert code == 2 and "exists and is not empty" in err
    code, _, err = run_cli("assignments", "export", "--student", KIT / "copy")
    assert code == 2 and "cannot export the kit into itself" in err and not (KIT / "copy").exists()
    with pytest.raises(SystemExit) as exc:  # argparse: --student or --instructor is required
        run_cli("assignments", "export")
    assert exc.value.code == 2
    code, out, _ = run_cli("assignments", "list")
    assert code == 0 and "2-dataflows" in out and "Assignment 2" in out


def test_student_export_gives_no_solution_away_and_its_references_resolve(tmp_path, run_cli):
    target = tmp_path / "kit"
    assert run_cli("assignments", "export", "--student", target)[0] == 0
    readme = (target / "README.md").read_text()
    assert readme == (KIT / "STUDENT.md").read_text() and "_solutions" not in readme
    # no file of the copy holds a solution's code: no line of any reference solution file
    # longer than 30 characters (imports and docstrings aside) appears anywhere in it
    solution_lines = {ln.strip() for f in (KIT / "_solutions").rglob("*.py") for ln in f.read_text().splitlines()
                      if len(ln.strip()) > 30 and not ln.strip().startswith(("from ", "import ", '"""', "#", "def "))}
    solution_lines -= {ln.strip() for f in KIT.glob("*/starter/*") for ln in f.read_text().splitlines()}  # given code
    # (the graders are left out of this check: they compute the truth, see the README's "known gaps")
    texts = {p: p.read_text() for p in target.rglob("*") if p.is_file() and p.suffix in (".md", ".py", ".yaml")
             and p.parent.name != "grader"}
    for p, text in texts.items():
        for ln in solution_lines:
            assert ln not in text, f"{p.relative_to(target)} holds a solution line: {ln}"
    # every file a handout or the guide names (`x.py`, `../GUIDE.md`, starter/...) is in the copy
    for doc in [*target.glob("*/handout.md"), target / "GUIDE.md", target / "README.md"]:
        for ref in re.findall(r"`([\w./-]+\.(?:md|py|yaml))`", doc.read_text()):
            base = ref.split(":")[0]
            assert (doc.parent / base).exists() or (target / base).exists() or (doc.parent / "starter" / base).exists() \
                or (doc == target / "README.md" and any(target.glob(f"*/{base}"))), \
                f"{doc.relative_to(target)} names {ref}, which the copy lacks"


def test_docs_and_notebooks_do_not_show_the_os_solution():
    sol = (KIT / "_solutions" / "2-dataflows" / "my_os.py").read_text()
    key = [ln.strip() for ln in sol.splitlines() if ln.strip().startswith(("rows =", "cols =", "rf_order =", "keep ="))]
    assert len(key) == 4
    for p in [REPO / "docs" / "teaching.md", KIT / "GUIDE.md", *(REPO / "examples").glob("*.ipynb"),
              REPO / "examples" / "make_notebooks.py"]:
        text = p.read_text()
        assert "OutputStationary" not in text and not all(k in text for k in key), p


def test_assignments_new_scaffolds_one_that_grades(tmp_path, run_cli):
    kit = tmp_path / "kit"
    assert run_cli("assignments", "export", "--instructor", kit)[0] == 0
    code, out, err = run_cli("assignments", "new", "roofline", "--kit", kit)
    assert code == 0, err
    k = len(assignments(KIT)) + 1  # "new" takes the number after the kit's own
    a = kit / f"{k}-roofline"
    assert {p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file() and "roofline" in p.as_posix()} == {
        f"{k}-roofline/handout.md", f"{k}-roofline/starter/roofline.py", f"{k}-roofline/grader/check_roofline.py",
        f"_solutions/{k}-roofline/roofline.py", f"_wrong/{k}-roofline/roofline.py"}
    assert str(a) in out
    good, bad, starter = grade(a, kit / "_solutions" / f"{k}-roofline"), grade(a, kit / "_wrong" / f"{k}-roofline"), grade(a, a / "starter")
    assert good.failed == [] and good.total == 3
    assert bad.failed and all("is wrong" in m for _, m in bad.failed)
    assert starter.passed == [] and all("not implemented yet" in m for _, m in starter.failed)
    # the wrong one's student output holds none of the expected values (N·M·E·F·C·R·S, here)
    code, out, _ = run_cli("grade", a, kit / "_wrong" / f"{k}-roofline")
    for N, M, C, E, F, R, S in ((2, 16, 8, 14, 14, 3, 3), (4, 10, 9, 1, 1, 1, 1)):
        assert str(N * M * E * F * C * R * S) not in out
    for argv, what in ((("new", "roofline", "--kit", kit), "exists"), (("new", "Bad_Name", "--kit", kit), "lower case"),
                       (("new", "x", "--kit", a / "handout.md"), "must be a folder")):
        code, _, err = run_cli("assignments", *argv)
        assert code == 2 and what in err and "Traceback" not in err
