"""Where the assignments are, and how one is named on the command line.

The kit lives in the repository's top-level ``assignments/`` folder (found next to the
package in a checkout or editable install, else in the current directory — as
``hw_configs/``): one folder ``<k>-<name>/`` per assignment with ``handout.md``,
``starter/`` and ``grader/``; reference solutions in ``_solutions/<k>-<name>/`` and a
deliberately wrong submission per assignment in ``_wrong/<k>-<name>/`` (used by the
repository's own tests), both left out of the student copy.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import AccelsimError
from ..paths import config_dir

INSTRUCTOR_ONLY = ("_solutions", "_wrong")
STUDENT_README = "STUDENT.md"  # the student copy's README.md (the kit's own README is the instructor's)


def kit_dir() -> Path:
    """The ``assignments/`` folder of this checkout (or of the current directory)."""
    d = config_dir("assignments")
    if not d.is_dir():
        raise AccelsimError(
            "cannot find the assignments folder", where="assignments",
            expected="a checkout of accelsim (assignments/ next to the package) or assignments/ in the current directory",
            found=str(d),
        )
    return d


def assignments(root: Path | None = None) -> list[Path]:
    """The assignment folders ``<k>-<name>``, in order."""
    root = root or kit_dir()
    found = [p for p in root.iterdir() if p.is_dir() and re.match(r"\d+-", p.name)]
    return sorted(found, key=lambda p: int(p.name.split("-")[0]))


def find_assignment(text: str) -> Path:
    """An assignment folder from a path (``assignments/2-dataflows``), a short form
    (``assignments/2``) or a number (``2``)."""
    p = Path(text)
    if (p / "grader").is_dir():
        return p
    parent, key = (p.parent, p.name) if str(p.parent) not in ("", ".") else (None, p.name)
    roots = [parent] if parent is not None and parent.is_dir() else []
    if parent is None or not roots:
        try:
            roots.append(kit_dir())
        except AccelsimError:
            pass
    for root in roots:
        for a in assignments(root):
            if a.name == key or a.name.split("-")[0] == key:
                return a
    known = ", ".join(a.name for a in assignments(roots[0])) if roots else "none found"
    raise AccelsimError(
        "no such assignment", where="ASSIGNMENT", expected=f"an assignment folder with a grader/ (known: {known})", found=text,
    )


def solution_dir(assignment: Path) -> Path:
    return assignment.parent / "_solutions" / assignment.name


def wrong_dir(assignment: Path) -> Path:
    return assignment.parent / "_wrong" / assignment.name
