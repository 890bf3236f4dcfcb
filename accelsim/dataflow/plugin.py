"""User-defined dataflows: a subclass of :class:`~accelsim.dataflow.Dataflow` in the user's
own file, run with ``accelsim run W H --dataflow path/to/mine.py:MyDataflow``.

The class states the declarative fields of :class:`Dataflow` as class attributes::

    from accelsim.dataflow import Dataflow

    class MyOS(Dataflow):
        rows = ("E",)                      # dims across PE rows
        cols = ("F",)                      # dims across PE columns
        rf_order = ("N", "M", "C", "R", "S")   # one PE's loops, outermost first
        keep = {"weight": "mac", "ifmap": "mac", "psum": "M"}   # what the RF keeps
        pass_order = ("G", "N", "M", "E", "F", "C", "R", "S")

        def order(self, extent):           # optional: the RF loop nest written out
            ...

:func:`load` imports the file, :func:`from_class` turns the class into a checked
:class:`Dataflow` instance; every mistake is an :class:`~accelsim.errors.AccelsimError`
naming the file, the class and the field. The reference model then checks that the
dataflow computes the convolution (:mod:`accelsim.reference.check`).

The user's code — importing the file, building the class, every step of ``order()`` — runs
under a time limit (:data:`TIME_LIMIT` seconds in all, ``--time-limit`` or the environment
variable ``ACCELSIM_USER_CODE_SECONDS`` to change it); a loop that does not end, a
``sys.exit()`` or any exception in it is an error naming the user's file, class and line.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..errors import AccelsimError
from .base import DIMS, KEEP_TYPES, Dataflow

REQUIRED = ("rows", "cols", "rf_order", "keep", "pass_order")
TIME_ENV = "ACCELSIM_USER_CODE_SECONDS"
DEFAULT_TIME_LIMIT = 20.0


def time_limit() -> float:
    """Seconds the user's code may run in all (import, class, order()): the environment's
    ACCELSIM_USER_CODE_SECONDS, else 20."""
    text = os.environ.get(TIME_ENV, "")
    try:
        value = float(text) if text else DEFAULT_TIME_LIMIT
    except ValueError:
        raise AccelsimError("not a number of seconds", where=TIME_ENV, expected="a number > 0, e.g. 20", found=text) from None
    if not value > 0:
        raise AccelsimError("out of range", where=TIME_ENV, expected="a number of seconds > 0", found=text)
    return value


class _OutOfTime(BaseException):
    """Raised inside the user's code when its time is up (a BaseException: `except Exception` in it cannot swallow it)."""


@contextmanager
def _limited(seconds: float) -> Iterator[None]:
    """Interrupt the code inside after ``seconds`` (SIGALRM; main thread only, else no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _OutOfTime()

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class _Budget:
    """The user's time, spent across import, class and every order() step."""

    def __init__(self, file: str | None, cls: str | None = None) -> None:
        self.left = time_limit()
        self.total = self.left
        self.file, self.cls = file, cls

    def where(self, doing: str, exc: BaseException | None = None) -> str:
        line = _user_line(exc, Path(self.file)) if exc is not None and self.file else None
        parts = [f"class {self.cls}" if self.cls else None, doing, line]
        return ", ".join(p for p in parts if p)

    def run(self, doing: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` within what is left of the time; its failures as one AccelsimError."""
        start = time.monotonic()
        try:
            with _limited(self.left):
                return fn()
        except _OutOfTime as exc:
            raise AccelsimError(
                f"the user's code did not finish within the time limit ({self.total:g} s in all)", file=self.file,
                where=self.where(doing, exc),
                expected=f"code that ends (a loop that never stops?); --time-limit SECONDS or {TIME_ENV} gives it more",
            ) from None
        except SystemExit as exc:
            raise AccelsimError(
                f"the user's code called sys.exit({exc.code!r}) while {doing}", file=self.file, where=self.where(doing, exc),
                expected="a module and class that define the dataflow and do not exit accelsim",
            ) from None
        finally:
            self.left = max(self.left - (time.monotonic() - start), 1e-3)

    def timed_order(self, order: Callable[[Mapping[str, int]], Iterable[tuple[int, ...]]]) -> Callable[..., Iterator[Any]]:
        """``order`` with every step within the time left; an exception in it names the user's line."""

        def steps(extent: Mapping[str, int]) -> Iterator[Any]:
            it = self.run("running order()", lambda: iter(self._guard(lambda: order(extent))))
            while True:
                try:
                    yield self.run("running order()", lambda: self._guard(lambda: next(it)))
                except StopIteration:
                    return

        return steps

    def _guard(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except (StopIteration, _OutOfTime, SystemExit, KeyboardInterrupt, AccelsimError):
            raise
        except Exception as exc:
            raise AccelsimError(f"order() raised {type(exc).__name__}: {exc}", file=self.file, where=self.where("running order()", exc),
                                expected="a generator of index tuples (see docs/teaching.md)") from None
DIM_FIELDS = ("rows", "cols", "rf_order", "pass_order", "full_in_pass")


def is_reference(text: object) -> bool:
    """Whether a ``--dataflow`` value names a file (``mine.py:MyDataflow``) rather than a
    shipped dataflow."""
    return isinstance(text, str) and (":" in text or text.endswith(".py"))


def resolve(dataflow: object) -> Dataflow:
    """A user's dataflow given as ``"path.py:Class"``, a subclass of Dataflow, or an instance."""
    if isinstance(dataflow, Dataflow):
        return dataflow
    if isinstance(dataflow, type):
        return from_class(dataflow)
    if is_reference(dataflow):
        return load(str(dataflow))
    raise AccelsimError(
        "a dataflow is a name, a 'file.py:Class' reference, or a Dataflow subclass",
        where="dataflow",
        expected="ws, os, is, rs, nlr, 'mine.py:MyDataflow' or a class",
        found=dataflow,
    )


def load(reference: str) -> Dataflow:
    """Import ``path.py:ClassName`` and build the dataflow it declares."""
    path_text, _, cls_name = reference.rpartition(":") if ":" in reference else (reference, "", "")
    path = Path(path_text)
    if not path_text or not path.is_file():
        raise AccelsimError(
            "no such dataflow file", file=path_text or reference, where="--dataflow",
            expected="an existing Python file, as path/to/mine.py:MyDataflow", found=reference,
        )
    budget = _Budget(str(path))
    module = _import(path, budget)
    candidates = [n for n, v in vars(module).items() if isinstance(v, type) and issubclass(v, Dataflow) and v is not Dataflow]
    if not cls_name:
        if len(candidates) != 1:
            raise AccelsimError(
                "name the dataflow class after a colon", file=str(path), where="--dataflow",
                expected="path.py:ClassName" + (f" (one of {', '.join(candidates)})" if candidates else ""),
                found=reference,
            )
        cls_name = candidates[0]
    cls = getattr(module, cls_name, None)
    if cls is None:
        raise AccelsimError(
            f"the file defines no class '{cls_name}'", file=str(path), where="--dataflow",
            expected="a Dataflow subclass defined in the file" + (f": one of {', '.join(candidates)}" if candidates else ""),
            found=cls_name,
        )
    return from_class(cls, file=str(path), budget=budget)


def _import(path: Path, budget: "_Budget | None" = None):
    name = f"accelsim_user_dataflow_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AccelsimError("cannot import this file", file=str(path), expected="a Python source file (.py)", found=path.suffix)
    module = importlib.util.module_from_spec(spec)
    budget = budget or _Budget(str(path))
    try:
        budget.run("importing the file", lambda: spec.loader.exec_module(module))
    except AccelsimError:
        raise
    except SyntaxError as exc:
        raise AccelsimError(
            f"syntax error on line {exc.lineno}: {exc.msg}", file=str(path), where=f"line {exc.lineno}",
            expected="valid Python", found=(exc.text or "").strip(),
        ) from None
    except Exception as exc:  # the user's module raised while being imported
        line = _user_line(exc, path)
        raise AccelsimError(
            f"importing it raised {type(exc).__name__}: {exc}", file=str(path), where=line,
            expected="a module that imports cleanly",
        ) from None
    sys.modules.pop(name, None)
    return module


def _user_line(exc: BaseException | None, path: Path | None) -> str | None:
    """'line N' of the deepest frame of ``exc`` in ``path``, or None."""
    if exc is None or path is None:
        return None
    target = str(path.resolve())
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if str(Path(frame.filename).resolve()) == target:
            line = f"line {frame.lineno}"
    return line


def from_class(cls: type, file: str | None = None, budget: _Budget | None = None) -> Dataflow:
    """The :class:`Dataflow` a user's subclass declares, its declarations checked; its own
    code (``__post_init__``, ``order()``) run within the time limit."""
    if file is None and isinstance(cls, type):
        file = _source_file(cls)
    budget = budget or _Budget(file)
    budget.cls = cls.__name__ if isinstance(cls, type) else None
    where = f"class {cls.__name__}" if isinstance(cls, type) else "dataflow"
    if not isinstance(cls, type) or not issubclass(cls, Dataflow):
        raise AccelsimError(
            "a user dataflow must subclass accelsim.dataflow.Dataflow", file=file, where=where,
            expected="class MyDataflow(Dataflow): ...",
            found=f"a class based on {', '.join(b.__name__ for b in cls.__bases__)}" if isinstance(cls, type) else type(cls).__name__,
        )
    values: dict[str, object] = {}
    for f in fields(Dataflow):
        if hasattr(cls, f.name):
            values[f.name] = getattr(cls, f.name)
    values.setdefault("name", cls.__name__.lower())
    values.setdefault("title", cls.__name__)
    missing = [k for k in REQUIRED if k not in values]
    if missing:
        raise AccelsimError(
            f"the class does not declare {', '.join(missing)}", file=file, where=where,
            expected="class attributes " + ", ".join(REQUIRED), found=sorted(k for k in values if k in REQUIRED),
        )
    for k in DIM_FIELDS:
        if k in values:
            values[k] = _dims(values[k], k, file, where)
    keep = values["keep"]
    if keep is None:
        raise AccelsimError("keep is not set (it is None)", file=file, where=f"{where}, keep",
                            expected="{'weight': ..., 'ifmap': ..., 'psum': ...}")
    if not isinstance(keep, dict):
        raise AccelsimError("keep must be a dict", file=file, where=f"{where}, keep",
                            expected="{'weight': ..., 'ifmap': ..., 'psum': ...}", found=keep)
    _check(values, file, where)
    try:
        df = budget.run("building the class", lambda: cls(**values))
    except AccelsimError:
        raise
    except (TypeError, ValueError) as exc:  # a rule of Dataflow's own not caught above
        raise AccelsimError(str(exc), file=file, where=where) from None
    except Exception as exc:  # the user's own __init__ / __post_init__
        raise AccelsimError(f"building the class raised {type(exc).__name__}: {exc}", file=file,
                            where=budget.where("building the class", exc), expected="a class that builds cleanly") from None
    if "order" in {k for c in type(df).__mro__ if c is not Dataflow and issubclass(c, Dataflow) for k in vars(c)}:
        object.__setattr__(df, "order", budget.timed_order(df.order))  # the instance's own: the frozen fields untouched
    object.__setattr__(df, "origin", f"{file}: class {cls.__name__}" if file else f"class {cls.__name__}")
    return df


def _source_file(cls: type) -> str | None:
    module = sys.modules.get(cls.__module__)
    f = getattr(module, "__file__", None)
    return str(f) if f else None


def _dims(value: object, name: str, file: str | None, where: str) -> tuple[str, ...]:
    if value is None:
        raise AccelsimError(f"{name} is not set (it is None)", file=file, where=f"{where}, {name}",
                            expected=f"a tuple of letters from {' '.join(DIMS)}")
    if isinstance(value, str):
        value = tuple(value) if all(c in DIMS for c in value) else (value,)
    if not isinstance(value, (tuple, list)):
        raise AccelsimError(f"{name} must be a tuple of dim letters", file=file, where=f"{where}, {name}",
                            expected=f"letters from {' '.join(DIMS)}", found=value)
    for d in value:
        if d not in DIMS:
            raise AccelsimError(f"{name} names an unknown dim", file=file, where=f"{where}, {name}",
                                expected=f"one of {' '.join(DIMS)}", found=d)
    return tuple(value)


def _check(v: dict, file: str | None, where: str) -> None:
    def err(field: str, message: str, expected: str, found: object) -> AccelsimError:
        return AccelsimError(message, file=file, where=f"{where}, {field}", expected=expected, found=found)

    for k in ("rows", "cols", "rf_order"):
        twice = sorted({d for d in v[k] if v[k].count(d) > 1})
        if twice:
            raise err(k, f"{k} names a dim twice", "each dim at most once", twice)
    both = sorted(set(v["rows"]) & set(v["cols"]))
    if both:
        raise err("rows", "a dim is on both rows and cols", "rows and cols with no dim in common", both)
    if not v["rows"] and not v["cols"]:
        raise err("rows", "no dim is spread across the PE array", "at least one dim on rows or cols", ())
    missing = [d for d in DIMS if d not in v["pass_order"]]
    extra = sorted({d for d in v["pass_order"] if v["pass_order"].count(d) > 1})
    if missing or extra:
        raise err("pass_order", "the loop order over passes must name every dim once",
                  f"all of {' '.join(DIMS)}", "missing " + " ".join(missing) if missing else "repeated " + " ".join(extra))
    for t in v["keep"]:
        if t not in KEEP_TYPES:
            raise err("keep", f"keep names a data type that does not exist: {t!r}",
                      "keys weight, ifmap and psum (psums stay; the ofmap is a finished psum)", t)
    absent = [t for t in KEEP_TYPES if t not in v["keep"]]
    if absent:
        raise err("keep", f"keep does not say what the RF does with {', '.join(absent)}",
                  "keys weight, ifmap and psum", sorted(v["keep"]))
    for t, k in v["keep"].items():
        if k not in ("pass", "mac") and k not in v["rf_order"]:
            raise err(f"keep[{t!r}]", "keep must be 'pass', 'mac' or a loop of rf_order",
                      f"'pass', 'mac' or one of {', '.join(v['rf_order'])}", k)
    if v.get("uses_rf") is False:
        kept = [t for t, k in v["keep"].items() if k != "mac"]
        if kept:
            raise err("keep", "a dataflow without an RF (uses_rf = False) cannot keep anything in it",
                      "'mac' for every data type", {t: v["keep"][t] for t in kept})
