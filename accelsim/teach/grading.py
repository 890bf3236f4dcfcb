"""``accelsim grade ASSIGNMENT SUBMISSION``: run an assignment's autograder on a student's
work and print a score.

The grader is a pytest folder (``<assignment>/grader/``). Its tests get the student's
modules with :func:`submission` — the submission is a folder holding the starter files
as the student filled them in (or a single ``.py`` file); its path reaches the grader in
the environment variable ``ACCELSIM_SUBMISSION``. pytest runs in this process.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import AccelsimError

ENV = "ACCELSIM_SUBMISSION"


def submission(module: str) -> ModuleType:
    """The student's ``module``.py from the submission (for use in a grader's fixture).
    A missing file, a syntax error or an import error fails the test with a plain message."""
    import pytest

    root = Path(os.environ.get(ENV, "."))
    path = root / f"{module}.py" if root.is_dir() else root
    if not path.is_file():
        pytest.fail(f"the submission has no {module}.py (looked in {root})", pytrace=False)
    name = f"accelsim_submission_{module}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
    except SyntaxError as exc:
        pytest.fail(f"{path}: syntax error on line {exc.lineno}: {exc.msg}", pytrace=False)
    except Exception as exc:
        pytest.fail(f"{path}: importing it raised {type(exc).__name__}: {exc}", pytrace=False)
    finally:
        sys.path.remove(str(path.parent))
    return mod


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args)``, a NotImplementedError turned into a plain failure naming the function."""
    import pytest

    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        pass
    pytest.fail(f"{fn.__name__}() is not implemented yet (it raises NotImplementedError)", pytrace=False)


@dataclass
class Score:
    passed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.passed) + len(self.failed)

    def summary(self) -> str:
        lines = [f"score: {len(self.passed)}/{self.total} checks passed"]
        lines += [f"  FAILED {name}: {msg}" for name, msg in self.failed]
        return "\n".join(lines)


class _Collector:
    """A pytest plugin that records each test's outcome and its failure message."""

    def __init__(self) -> None:
        self.score = Score()

    def pytest_runtest_logreport(self, report) -> None:  # noqa: ANN001 - pytest's hook
        name = report.nodeid.split("::", 1)[-1]
        if report.when == "call" and report.passed:
            self.score.passed.append(name)
        elif report.failed:
            self.score.failed.append((name, _message(report)))


def _message(report) -> str:  # noqa: ANN001
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    first = text.strip().splitlines()
    return first[0] if first else "failed"


def grade(assignment: Path, submission_path: Path, verbose: bool = False) -> Score:
    """Run ``assignment``'s grader on ``submission_path``; the score."""
    import pytest

    grader = assignment / "grader"
    if not grader.is_dir():
        raise AccelsimError("the assignment has no grader/ folder", file=str(assignment), expected="grader/test_*.py")
    if not submission_path.exists():
        raise AccelsimError("no such submission", file=str(submission_path), where="SUBMISSION",
                            expected="a folder with the assignment's files (or one .py file)")
    collector = _Collector()
    old = os.environ.get(ENV)
    os.environ[ENV] = str(submission_path.resolve())
    args = [str(grader), "-p", "no:cacheprovider", "--import-mode=importlib", "--rootdir", str(grader), "-c", os.devnull,
            "--tb=short" if verbose else "--tb=no", "-q" if verbose else "-qq", "--no-header", "--disable-warnings"]
    try:
        code = pytest.main(args, plugins=[collector])
    finally:
        if old is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = old
    if code not in (0, 1) or collector.score.total == 0:
        raise AccelsimError(f"the grader did not run (pytest exit status {int(code)})", file=str(grader),
                            expected="grader/test_*.py that pytest can collect")
    return collector.score
