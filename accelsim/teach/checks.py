"""What a grader is written with — no pytest needed (docs/teaching.md, "Writing a grader").

A grader is a folder of ``check_*.py`` files. In each, every function named ``check_*``
is one check, run in the order written; its arguments are *fixtures* by name: functions
marked :func:`fixture`, computed once per file (``submission`` loads the student's module).
:func:`params` runs a check once per value. A check passes when it returns; it fails
with :func:`fail` or :func:`expect`::

    from accelsim.teach.checks import call, expect, fixture, params, submission

    @fixture
    def sub():
        return submission("counting")

    @params("H", [7, 224])
    def check_output_size(sub, H):
        got = call(sub.output_size, H, 3, 1, 1)
        expect(got == H, f"output_size(H={H}, R=3, stride=1, pad=1) is wrong: a 3x3 window with pad 1 "
               "keeps the size", expected=H, found=got)

The **message** is what a student sees: say what is wrong and where to look, never the
answer. ``expected`` and ``found`` are shown only to the instructor (``accelsim grade
--instructor``); the student's output is checked never to contain ``expected``.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

ENV = "ACCELSIM_SUBMISSION"


class CheckFailed(Exception):
    """A failed check: ``message`` for the student, ``expected`` / ``found`` for the instructor."""

    def __init__(self, message: str, expected: Any = None, found: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.found = found


def fail(message: str, *, expected: Any = None, found: Any = None) -> None:
    """Fail the check: ``message`` says what is wrong and where to look (no answer in it)."""
    raise CheckFailed(message, expected, found)


def expect(condition: object, message: str, *, expected: Any = None, found: Any = None) -> None:
    """:func:`fail` unless ``condition``."""
    if not condition:
        raise CheckFailed(message, expected, found)


def fixture(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``fn`` as a fixture: its value is passed to the checks (and fixtures) that name it."""
    fn.accelsim_fixture = True  # type: ignore[attr-defined]
    return fn


def params(name: str, values: Iterable[Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the check once per value, as argument ``name`` (``check_x[value]``)."""
    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.accelsim_params = (name, list(values))  # type: ignore[attr-defined]
        return fn
    return mark


def submission_root() -> Path:
    return Path(os.environ.get(ENV, "."))


def submission(module: str) -> ModuleType:
    """The student's ``module``.py from the submission (a folder of the starter files filled
    in, or one .py file). A missing file, a syntax error or an import error fails the check."""
    root = submission_root()
    path = root / f"{module}.py" if root.is_dir() else root
    if not path.is_file():
        fail(f"the submission has no {module}.py (looked in {root})")
    name = f"accelsim_submission_{module}_{abs(hash(str(path.resolve())))}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
    except SyntaxError as exc:
        fail(f"{path.name}: syntax error on line {exc.lineno}: {exc.msg}")
    except SystemExit as exc:
        fail(f"{path.name}: importing it called sys.exit({exc.code!r}); a module to be graded must not exit")
    except Exception as exc:
        fail(f"{path.name}: importing it raised {type(exc).__name__}: {exc}{_where(exc, path)}")
    finally:
        sys.path.remove(str(path.parent))
    sys.modules[name] = mod
    return mod


def _where(exc: BaseException, path: Path) -> str:
    """' (line N)' of the deepest frame of the traceback inside ``path``."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve() == path.resolve():
            line = tb.tb_lineno
        tb = tb.tb_next
    return f" (line {line})" if line else ""


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args)``; a NotImplementedError, or any exception from the student's code, fails
    the check with a message naming the function (and the line, where it is theirs)."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        fail(f"{fn.__name__}() is not implemented yet (it raises NotImplementedError)")
    except CheckFailed:
        raise
    except SystemExit as exc:
        fail(f"{fn.__name__}() called sys.exit({exc.code!r})")
    except Exception as exc:
        code = getattr(fn, "__code__", None)
        where = _where(exc, Path(code.co_filename)) if code is not None else ""
        fail(f"{fn.__name__}() raised {type(exc).__name__}: {exc}{where}")
