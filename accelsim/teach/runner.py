"""Run a grader's checks (accelsim.teach.checks) on a submission, in this process.

:func:`run_checks` collects every ``check_*`` function of the grader's ``check_*.py``
files in the order written, gives each its fixtures, and reports one :class:`Outcome`
per check (through ``report`` as it goes, so that a caller watching from outside knows
which check was running when a time limit struck). ``python -m accelsim.teach.runner
GRADER SUBMISSION`` does the same and prints each event as a JSON line; accelsim.teach.grading
runs it as a child process under a time limit.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .checks import ENV, CheckFailed


@dataclass(frozen=True)
class Outcome:
    check: str
    passed: bool
    message: str = ""
    expected: Any = None
    found: Any = None


def _jsonable(x: Any) -> Any:
    try:
        json.dumps(x)
        return x
    except (TypeError, ValueError):
        return repr(x)


def grader_files(grader: Path) -> list[Path]:
    return sorted(grader.glob("check_*.py"))


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"accelsim_grader_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _checks(mod: ModuleType) -> list[tuple[str, Callable[..., Any], dict[str, Any]]]:
    """(name, function, extra arguments) of each check in ``mod``, in the order written."""
    fns = [f for n, f in vars(mod).items() if n.startswith("check_") and inspect.isfunction(f) and f.__module__ == mod.__name__]
    fns.sort(key=lambda f: f.__code__.co_firstlineno)
    out = []
    for f in fns:
        if hasattr(f, "accelsim_params"):
            arg, values = f.accelsim_params
            out += [(f"{f.__name__}[{v if isinstance(v, (str, int)) else f'{arg}{i}'}]", f, {arg: v})
                    for i, v in enumerate(values)]
        else:
            out.append((f.__name__, f, {}))
    return out


class _Fixtures:
    """Fixture values of one grader file, each computed once (a failure is remembered)."""

    def __init__(self, mod: ModuleType) -> None:
        self.mod = mod
        self.values: dict[str, Any] = {}
        self.errors: dict[str, CheckFailed] = {}

    def get(self, name: str, tmp: Path) -> Any:
        if name == "tmp_path":
            return tmp
        if name in self.errors:
            raise self.errors[name]
        if name not in self.values:
            fn = getattr(self.mod, name, None)
            if not getattr(fn, "accelsim_fixture", False):
                raise CheckFailed(f"the grader asks for '{name}', which is not a fixture (a grader error)")
            try:
                self.values[name] = fn(**self.args(fn, {}, tmp))
            except CheckFailed as exc:
                self.errors[name] = exc
                raise
        return self.values[name]

    def args(self, fn: Callable[..., Any], given: dict[str, Any], tmp: Path) -> dict[str, Any]:
        return {p: given[p] if p in given else self.get(p, tmp) for p in inspect.signature(fn).parameters}


def _outcome(name: str, fn: Callable[..., Any], given: dict[str, Any], fixtures: _Fixtures) -> Outcome:
    tmp = Path(tempfile.mkdtemp(prefix="accelsim-check-"))
    try:
        fn(**fixtures.args(fn, given, tmp))
        return Outcome(name, True)
    except CheckFailed as exc:
        return Outcome(name, False, exc.message, _jsonable(exc.expected), _jsonable(exc.found))
    except AssertionError as exc:
        line = exc.__traceback__.tb_next.tb_lineno if exc.__traceback__ and exc.__traceback__.tb_next else "?"
        return Outcome(name, False, str(exc) or f"an assertion of the grader failed (line {line})")
    except SystemExit as exc:
        return Outcome(name, False, f"the submission called sys.exit({exc.code!r}) during the check")
    except Exception as exc:  # a check must never take the grading down
        return Outcome(name, False, f"the check stopped on {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_checks(grader: Path, submission: Path, report: Callable[[str, Any], None] = lambda event, x: None) -> list[Outcome]:
    """Every check of ``grader`` on ``submission``; ``report("start", name)`` before each,
    ``report("result", outcome)`` after."""
    os.environ[ENV] = str(submission.resolve())
    outcomes = []
    for path in grader_files(grader):
        try:
            mod = _load(path)
        except BaseException as exc:  # the grader file itself is broken: one failed check says so
            o = Outcome(path.stem, False, f"the grader file {path.name} does not load: {type(exc).__name__}: {exc}")
            report("result", o)
            outcomes.append(o)
            continue
        fixtures = _Fixtures(mod)
        for name, fn, given in _checks(mod):
            report("start", name)
            o = _outcome(name, fn, given, fixtures)
            report("result", o)
            outcomes.append(o)
    return outcomes


def main(argv: list[str]) -> int:
    grader, submission = Path(argv[0]), Path(argv[1])
    # the events go to the real stdout; whatever the student's code prints goes to stderr
    events = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def report(event: str, x: Any) -> None:
        data = {"event": event, "check": x} if event == "start" else {"event": event, **asdict(x)}
        events.write(json.dumps(data) + "\n")

    run_checks(grader, submission, report)
    events.write(json.dumps({"event": "done"}) + "\n")
    events.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
