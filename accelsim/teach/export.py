"""``accelsim assignments export``: the student copy (no solutions) or the instructor copy."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..errors import AccelsimError
from .kit import INSTRUCTOR_ONLY, STUDENT_README, kit_dir

JUNK = ("__pycache__", ".pytest_cache", "*.pyc", ".ipynb_checkpoints")


def export(target: Path, student: bool, source: Path | None = None) -> list[str]:
    """Copy the kit into ``target`` (which must not exist or be empty); for a student,
    without ``_solutions/`` and ``_wrong/``, and with ``STUDENT.md`` as its README. Returns the files written, relative. The copy
    is made beside ``target`` and renamed into place, so a failure leaves nothing."""
    source = source or kit_dir()
    if target.resolve().is_relative_to(source.resolve()):
        raise AccelsimError("cannot export the kit into itself", file=str(target),
                            expected="a folder outside the kit", found=str(source))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AccelsimError("the export folder exists and is not empty", file=str(target),
                            expected="a new or empty folder", found=sorted(p.name for p in target.iterdir())[:5] if target.is_dir() else "a file")
    ignore = shutil.ignore_patterns(*JUNK, *(INSTRUCTOR_ONLY if student else ()))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        shutil.copytree(source, tmp / "kit", ignore=ignore)
        if student and (tmp / "kit" / STUDENT_README).is_file():
            # the students' README, not the instructor's (which talks about solutions)
            (tmp / "kit" / STUDENT_README).replace(tmp / "kit" / "README.md")
        if target.exists():
            target.rmdir()
        (tmp / "kit").rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
