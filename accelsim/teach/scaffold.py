"""``accelsim assignments new NAME``: a new assignment that grades from the first minute —
handout, starter (``raise NotImplementedError``), grader (accelsim.teach.checks), reference
solution and a deliberately wrong submission, for the instructor to rewrite.

The scaffold's own example task (count a conv layer's MACs) passes on the solution, fails
on the wrong submission with a message that names no expected value, and fails on the
untouched starter with "not implemented yet" — the repository's tests hold it to that.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from ..errors import AccelsimError
from .kit import assignments

NAME = re.compile(r"[a-z][a-z0-9-]{0,40}")

HANDOUT = """# Assignment {k}: {title}

*(Written by `accelsim assignments new`; replace this handout, the starter, the grader,
the solution and the wrong submission with your own. docs/teaching.md, "Writing a
grader", says how.)*

**1.** In `starter/{module}.py`, write `macs(N, M, C, E, F, R, S)`: the multiply-accumulates
of a convolution layer with N images, M filters of C x R x S weights and an E x F output.

Check your work:

```sh
accelsim grade {k} starter/          # from the kit's folder; or: accelsim grade path/to/{k}-{name} starter/
```
"""

STARTER = '''"""Assignment {k} ({title}): fill in the functions (see handout.md)."""


def macs(N: int, M: int, C: int, E: int, F: int, R: int, S: int) -> int:
    """Multiply-accumulates of a conv layer: N images, M filters of C x R x S, E x F outputs."""
    raise NotImplementedError
'''

SOLUTION = '''"""Assignment {k} ({title}): the reference solution."""


def macs(N: int, M: int, C: int, E: int, F: int, R: int, S: int) -> int:
    return N * M * E * F * C * R * S
'''

WRONG = '''"""Assignment {k} ({title}): a deliberately wrong submission (forgets the batch)."""


def macs(N: int, M: int, C: int, E: int, F: int, R: int, S: int) -> int:
    return M * E * F * C * R * S
'''

GRADER = '''"""Grader of assignment {k} ({title}). Truth: the closed form N·M·E·F·C·R·S, here.

Each function named check_* is one check; its arguments are fixtures by name. A failed
check's message is what the student sees — what is wrong and where to look, never the
answer; expected= and found= are shown to the instructor only (--instructor).
"""
from accelsim.teach.checks import call, expect, fixture, params, submission


@fixture
def sub():
    return submission("{module}")


@params("shape", [(1, 64, 3, 112, 112, 7, 7), (2, 16, 8, 14, 14, 3, 3), (4, 10, 9, 1, 1, 1, 1)])
def check_macs(sub, shape):
    N, M, C, E, F, R, S = shape
    want = N * M * E * F * C * R * S
    got = call(sub.macs, *shape)
    expect(got == want, f"macs(N={{N}}, M={{M}}, C={{C}}, E={{E}}, F={{F}}, R={{R}}, S={{S}}) is wrong: every output "
           "of every image: how many multiply-accumulates does it need?", expected=want, found=got)
'''


def new_assignment(name: str, kit: Path) -> list[Path]:
    """Create ``<k>-<name>/`` (k = one more than the last) with its solution and wrong
    submission in ``kit``; returns the files written. All or nothing: built in a temporary
    folder in the kit and moved into place."""
    if not NAME.fullmatch(name):
        raise AccelsimError("an assignment name is lower case letters, digits and '-', starting with a letter",
                            where="NAME", expected="e.g. 'roofline' or 'sparse-dataflows'", found=name)
    if not kit.is_dir():
        raise AccelsimError("the kit must be a folder", file=str(kit), where="--kit", expected="the assignments/ folder",
                            found="a file" if kit.exists() else "nothing there")
    existing = assignments(kit)
    if any(a.name.split("-", 1)[1] == name for a in existing):
        raise AccelsimError("an assignment of that name exists", file=str(kit), where="NAME",
                            expected="a new name", found=name)
    k = max((int(a.name.split("-")[0]) for a in existing), default=0) + 1
    folder = f"{k}-{name}"
    module = name.replace("-", "_")
    fill = {"k": k, "name": name, "title": name.replace("-", " "), "module": module}
    targets = {Path(folder): {"handout.md": HANDOUT, f"starter/{module}.py": STARTER, f"grader/check_{module}.py": GRADER},
               Path("_solutions") / folder: {f"{module}.py": SOLUTION},
               Path("_wrong") / folder: {f"{module}.py": WRONG}}
    for rel in targets:
        if (kit / rel).exists():
            raise AccelsimError("the scaffold's folder exists", file=str(kit / rel), expected="a new folder", found="one there")
    tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=kit))
    written = []
    try:
        for rel, files in targets.items():
            for fname, text in files.items():
                p = tmp / rel / fname
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text.format(**fill))
        for rel, files in targets.items():
            (kit / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).rename(kit / rel)
            written += [kit / rel / f for f in files]
    except BaseException:
        for rel in targets:
            if (kit / rel).exists() and any(str(w).startswith(str(kit / rel)) for w in written):
                shutil.rmtree(kit / rel, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written
