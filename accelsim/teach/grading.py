"""``accelsim grade ASSIGNMENT SUBMISSION``: run an assignment's grader on a student's work
and print a score — without pytest, under a time limit.

The grader (``<assignment>/grader/check_*.py``, written with accelsim.teach.checks) runs
in a child process (accelsim.teach.runner), so that a submission that loops, sleeps or
exits cannot hang or end accelsim: after ``time_limit`` seconds the child is killed and
the grade stops with a clean error naming the check that was running.

What a student sees of a failed check is its message only; the expected and found values
are kept for the instructor (``--instructor``, ``--json --instructor``).
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AccelsimError
from .runner import Outcome, grader_files

DEFAULT_TIME_LIMIT = 300.0  # seconds for the whole grading of one submission


class TimeLimit(AccelsimError):
    """The grading of a submission did not finish within its time limit."""


@dataclass
class Score:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def passed(self) -> list[str]:
        return [o.check for o in self.outcomes if o.passed]

    @property
    def failed(self) -> list[tuple[str, str]]:
        return [(o.check, o.message) for o in self.outcomes if not o.passed]

    @property
    def total(self) -> int:
        return len(self.outcomes)

    def summary(self, instructor: bool = False) -> str:
        """The score, and one line per failed check (with, for the instructor, the numbers)."""
        lines = [f"score: {len(self.passed)}/{self.total} checks passed"]
        for o in self.outcomes:
            if o.passed:
                continue
            lines.append(f"  FAILED {o.check}: {o.message}")
            if instructor and (o.expected is not None or o.found is not None):
                lines.append(f"         expected {o.expected!r}, found {o.found!r}")
        return "\n".join(lines)

    def to_dict(self, instructor: bool = False) -> dict[str, Any]:
        checks = []
        for o in self.outcomes:
            d: dict[str, Any] = {"check": o.check, "passed": o.passed, "message": o.message}
            if instructor:
                d.update(expected=o.expected, found=o.found)
            checks.append(d)
        return {"passed": len(self.passed), "total": self.total, "checks": checks}


def _check_inputs(assignment: Path, submission_path: Path) -> Path:
    grader = assignment / "grader"
    if not grader.is_dir() or not grader_files(grader):
        raise AccelsimError("the assignment has no grader", file=str(assignment), where="grader/",
                            expected="grader/check_*.py (accelsim.teach.checks)",
                            found=sorted(p.name for p in grader.iterdir()) if grader.is_dir() else "no grader/ folder")
    if not submission_path.exists():
        raise AccelsimError("no such submission", file=str(submission_path), where="SUBMISSION",
                            expected="a folder with the assignment's files (or one .py file)", found="nothing there")
    if submission_path.is_file() and submission_path.suffix != ".py":
        raise AccelsimError("a submission is a folder or one .py file", file=str(submission_path), where="SUBMISSION",
                            expected="a folder with the assignment's files, or one .py file",
                            found=f"a {submission_path.suffix or 'plain'} file")
    return grader


def grade(assignment: Path, submission_path: Path, time_limit: float = DEFAULT_TIME_LIMIT) -> Score:
    """Run ``assignment``'s grader on ``submission_path`` in a child process; the score.
    Raises :class:`TimeLimit` when it runs longer than ``time_limit`` seconds."""
    grader = _check_inputs(assignment, submission_path)
    cmd = [sys.executable, "-m", "accelsim.teach.runner", str(grader.resolve()), str(submission_path.resolve())]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=time_limit, env=env,
                              stdin=subprocess.DEVNULL, cwd=str(submission_path.resolve().parent))
        out, err, code, timed_out = proc.stdout, proc.stderr, proc.returncode, False
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err, code, timed_out = "", None, True
    score, running, done = Score(), None, False
    for line in out.splitlines():
        try:
            e = json.loads(line)
        except json.JSONDecodeError:
            continue
        if e.get("event") == "start":
            running = e["check"]
        elif e.get("event") == "result":
            score.outcomes.append(Outcome(e["check"], e["passed"], e["message"], e.get("expected"), e.get("found")))
            running = None
        elif e.get("event") == "done":
            done = True
    if timed_out:
        raise TimeLimit(
            f"the grading did not finish within the time limit of {time_limit:g} s"
            + (f"; it was running check '{running}'" if running else "")
            + f" after {len(score.outcomes)} finished checks — look for an endless loop or a long wait in the code it calls",
            file=str(submission_path), where="--time-limit", expected=f"every check done within {time_limit:g} s "
            "(raise it with --time-limit SECONDS)", found="still running; stopped")
    if not done:
        last = [s for s in err.strip().splitlines() if s.strip()][-1:] or ["no message"]
        raise AccelsimError(
            "the grading stopped before the end" + (f", in check '{running}'" if running else ""),
            file=str(submission_path), expected="every check run to the end",
            found=f"exit status {code}: {last[0][:200]}")
    return score


def submissions_in(folder: Path) -> list[Path]:
    """The submissions of ``--many``: each sub-folder and each .py file of ``folder``, by name."""
    if not folder.is_dir():
        raise AccelsimError("--many grades a folder of submissions", file=str(folder), where="SUBMISSION",
                            expected="a folder holding one sub-folder (or .py file) per student", found="a file")
    subs = sorted(p for p in folder.iterdir() if (p.is_dir() and not p.name.startswith((".", "_"))) or p.suffix == ".py")
    if not subs:
        raise AccelsimError("no submissions in the folder", file=str(folder), where="SUBMISSION",
                            expected="one sub-folder (or .py file) per student", found="none")
    return subs


def grade_many(assignment: Path, folder: Path, time_limit: float = DEFAULT_TIME_LIMIT) -> list[dict[str, Any]]:
    """One row per submission: passed, total, status (``graded``, ``time limit`` or ``error``), failed checks."""
    rows = []
    for sub in submissions_in(folder):
        try:
            s = grade(assignment, sub, time_limit)
            rows.append({"submission": sub.name, "passed": len(s.passed), "total": s.total, "status": "graded",
                         "failed": " ".join(name for name, _ in s.failed)})
        except TimeLimit:
            rows.append({"submission": sub.name, "passed": 0, "total": "", "status": f"time limit ({time_limit:g} s)", "failed": ""})
        except AccelsimError as exc:
            rows.append({"submission": sub.name, "passed": 0, "total": "", "status": f"error: {exc}", "failed": ""})
    return rows


def scores_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["submission", "passed", "total", "status", "failed"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()
