"""The teaching kit: every autograder passes the reference solution and fails the
deliberately wrong one with helpful messages; `accelsim grade` and `accelsim assignments
export` behave (exit codes, no solutions in the student copy, nothing half-written)."""
from __future__ import annotations

import pytest

from accelsim.teach.grading import grade
from accelsim.teach.kit import INSTRUCTOR_ONLY, assignments, find_assignment, kit_dir, solution_dir, wrong_dir

from conftest import REPO

KIT = REPO / "assignments"

# what each wrong submission must be told (a substring of the failure message per check)
WRONG = {
    "1-counting": {
        "test_conv_macs_and_weights": "each filter sees only C/groups input channels",
        "test_network_totals_match_published_figures": "AlexNet has 724,406,816 MACs",
        "test_depthwise_separable_ratio": "expected 1/M + 1/(R·S)",
        "test_shufflenet_v2_guideline_1": "mac_lower_bound(h, w, B) is 2·sqrt(h·w·B) + B/(h·w)",
    },
    "2-dataflows": {
        "test_computes_the_convolution": "the first wrong output element is (n=0, m=0, e=0, f=0), expected 7, got 4",
        "test_predictions[shape0]": "noc_weight: you predict 576, accelsim counts 36864",
        "test_explanation_is_written": "EXPLANATION has 2 words",
    },
    "3-energy": {
        "test_movement_share": "the MACs and the SIMD unit compute, they do not move data",
        "test_alexnet_is_dominated_by_weights": "ALEXNET_DOMINANT = 'ifmap'",
        "test_googlenet_feature_maps": "GOOGLENET_FMAPS_DOMINATE = False",
        "test_compare_dataflows": "alexnet, ws: total energy",
    },
    "4-dse": {
        "test_storage_bytes": "psums are 4 bytes here",
        "test_feasible_points": "not feasible [(16, 16, 'large', 32)]",
        "test_pareto_front_and_best_edp": "expected [('a',), ('b',), ('d',), ('f',)]",
    },
    "5-efficient-cnns": {
        "test_rank_by_macs": "the order is ['shufflenet_v1_g3', 'shufflenet_v2_x1_0', 'mobilenet_v2', 'squeezenet1_1', 'mobilenet_v1', 'alexnet']",
        "test_answers[eyeriss]": "CHEAPEST['eyeriss']['energy'] = 'shufflenet_v1_g3'; accelsim says shufflenet_v2_x1_0",
        "test_why": "WHY = 'c'",
    },
    "6-pruning": {
        "test_compressions": "pruned(): conv1's weights are quantized or shared",
        "test_predictions_are_written_first": "PREDICTED['quantization'] = None",
        "test_saving_by_level[pruning]": "a saving is 1 - compressed / dense, not their ratio",
        "test_fc_share_of_saving": "that the fc layers make",
        "test_answers": "SAVED_TOTAL['pruning'] is not within 0.01",
        "test_why": "WHY = 'c'",
    },
}


def test_the_kit_is_complete():
    names = [a.name for a in assignments(KIT)]
    assert names == list(WRONG)
    for a in assignments(KIT):
        assert (a / "handout.md").is_file() and any((a / "starter").glob("*.py")) and any((a / "grader").glob("test_*.py"))
        assert solution_dir(a).is_dir() and wrong_dir(a).is_dir()
    assert kit_dir() == KIT


@pytest.mark.parametrize("name", list(WRONG))
def test_grader_passes_the_solution_and_fails_the_wrong_one(name):
    a = KIT / name
    good = grade(a, solution_dir(a))
    assert good.failed == [] and good.total >= 4, good.summary()
    bad = grade(a, wrong_dir(a))
    failed = dict(bad.failed)
    for test, message in WRONG[name].items():
        assert test in failed, f"{name}: {test} should fail on the wrong submission\n{bad.summary()}"
        assert message in failed[test], f"{name}: {test}: {failed[test]!r} lacks {message!r}"


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


def test_grade_command(run_cli):
    code, out, _ = run_cli("grade", "assignments/1", KIT / "_solutions" / "1-counting")
    assert code == 0 and "score: 5/5 checks passed" in out
    code, out, _ = run_cli("grade", "1", KIT / "_wrong" / "1-counting")
    assert code == 1 and "score: 1/5 checks passed" in out and "FAILED test_conv_macs_and_weights: " in out
    code, _, err = run_cli("grade", "9", KIT / "_wrong" / "1-counting")
    assert code == 2 and "no such assignment" in err and "1-counting" in err
    code, _, err = run_cli("grade", "1", KIT / "nowhere")
    assert code == 2 and "no such submission" in err
    assert find_assignment(str(KIT / "2")) == KIT / "2-dataflows"


def test_export_student_copy_has_no_solutions(tmp_path, run_cli):
    target = tmp_path / "kit"
    code, out, _ = run_cli("assignments", "export", "--student", target)
    assert code == 0 and "student copy" in out
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert not any(f.split("/")[0] in INSTRUCTOR_ONLY for f in files)
    assert not any("__pycache__" in f for f in files)
    for a in assignments(KIT):
        assert f"{a.name}/handout.md" in files and f"{a.name}/grader/{next((a / 'grader').glob('test_*.py')).name}" in files
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
