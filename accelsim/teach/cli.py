"""Command-line entries of the teaching kit.

:func:`register` adds, to the main ``accelsim`` parser:

- ``accelsim grade ASSIGNMENT SUBMISSION [--verbose]``: run the assignment's autograder on
  a student's work; prints the score; exit status 0 when every check passes, 1 otherwise;
- ``accelsim assignments list``: the assignments of the kit;
- ``accelsim assignments export --student DIR | --instructor DIR``: a copy of the kit,
  without the reference solutions for students.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def cmd_grade(args: argparse.Namespace) -> int:
    from .grading import grade
    from .kit import find_assignment

    assignment = find_assignment(args.assignment)
    score = grade(assignment, Path(args.submission), verbose=args.verbose)
    print(f"{assignment.name}: {args.submission}")
    print(score.summary())
    return 0 if not score.failed else 1


def cmd_list(args: argparse.Namespace) -> int:
    from .kit import assignments

    for a in assignments():
        handout = a / "handout.md"
        title = handout.read_text().splitlines()[0].lstrip("# ") if handout.is_file() else ""
        print(f"{a.name:<28} {title}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export

    student = args.student is not None
    target = Path(args.student if student else args.instructor)
    files = export(target, student=student)
    print(f"wrote the {'student' if student else 'instructor'} copy of the kit to {target} ({len(files)} files)")
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:  # noqa: ANN001 - argparse's private subparsers type
    p = sub.add_parser("grade", parents=[common], help="run an assignment's autograder on a student's submission")
    p.add_argument("assignment", help="an assignment folder (assignments/2-dataflows), assignments/2, or 2")
    p.add_argument("submission", help="the student's folder (the starter files filled in) or one .py file")
    p.add_argument("--verbose", action="store_true", help="pytest's full report of each failure")
    p.set_defaults(func=cmd_grade)

    a = sub.add_parser("assignments", help="the teaching kit: list the assignments, export a copy")
    asub = a.add_subparsers(dest="assignments_command", metavar="COMMAND")
    p = asub.add_parser("list", parents=[common], help="the assignments of the kit")
    p.set_defaults(func=cmd_list)
    p = asub.add_parser("export", parents=[common], help="copy the kit: --student (no solutions) or --instructor")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--student", metavar="DIR", help="the student copy: handouts, starter code, graders; no solutions")
    g.add_argument("--instructor", metavar="DIR", help="everything, reference and wrong solutions included")
    p.set_defaults(func=cmd_export)
    a.set_defaults(func=lambda _: (a.print_help(), 2)[1])
