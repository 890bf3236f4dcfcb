"""Command-line entries of the teaching kit.

:func:`register` adds, to the main ``accelsim`` parser:

- ``accelsim grade ASSIGNMENT SUBMISSION [--instructor] [--json [FILE]] [--many [--csv FILE]]
  [--time-limit S]``: run the assignment's grader on a student's work (no pytest needed);
  prints the score; exit status 0 when every check passes, 1 otherwise;
- ``accelsim assignments list``: the assignments of the kit;
- ``accelsim assignments export --student DIR | --instructor DIR``: a copy of the kit,
  without the reference solutions for students;
- ``accelsim assignments new NAME [--kit DIR]``: scaffold an assignment (handout, starter,
  grader, solution, wrong submission) that grades from the start.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_grade(args: argparse.Namespace) -> int:
    from ..console import emit_json, wrote
    from ..errors import AccelsimError
    from ..yamlio import atomic_write_text
    from .grading import grade, grade_many, scores_csv
    from .kit import find_assignment

    assignment = find_assignment(args.assignment)
    if args.time_limit <= 0:
        raise AccelsimError("the time limit must be positive", where="--time-limit", expected="seconds > 0",
                            found=args.time_limit)
    if args.many:
        rows = grade_many(assignment, Path(args.submission), args.time_limit)
        text = scores_csv(rows)
        if args.csv:
            atomic_write_text(args.csv, text)
            wrote(args.csv, f"the scores of {len(rows)} submissions (CSV)")
        else:
            sys.stdout.write(text)
        return 0
    if args.csv:
        raise AccelsimError("--csv writes the scores of many submissions", where="--csv",
                            expected="--many and a folder of submissions", found=args.csv)
    score = grade(assignment, Path(args.submission), args.time_limit)
    if args.json is not None:
        emit_json({"assignment": assignment.name, "submission": str(args.submission),
                   **score.to_dict(instructor=args.instructor)}, args.json)
    else:
        print(f"{assignment.name}: {args.submission}")
        print(score.summary(instructor=args.instructor))
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


def cmd_new(args: argparse.Namespace) -> int:
    from .kit import kit_dir
    from .scaffold import new_assignment

    kit = Path(args.kit) if args.kit else kit_dir()
    files = new_assignment(args.name, kit)
    folder = files[0].parent
    print(f"wrote assignment {folder.name} to {folder} ({len(files)} files: handout, starter, grader, "
          "solution in _solutions/, wrong submission in _wrong/)")
    print(f"try it: accelsim grade {folder} {kit / '_solutions' / folder.name}")
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:  # noqa: ANN001 - argparse's private subparsers type
    from .grading import DEFAULT_TIME_LIMIT

    p = sub.add_parser("grade", parents=[common], help="run an assignment's grader on a student's submission")
    p.add_argument("assignment", help="an assignment folder (assignments/2-dataflows), assignments/2, or 2")
    p.add_argument("submission", help="the student's folder (the starter files filled in) or one .py file; "
                   "with --many, a folder of submissions")
    p.add_argument("--instructor", action="store_true", help="also the expected and found values of each failed check")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE", help="the score and each check as JSON (to stdout, or FILE)")
    p.add_argument("--many", action="store_true", help="SUBMISSION is a folder of submissions (one sub-folder or .py "
                   "file each): a CSV of scores")
    p.add_argument("--csv", metavar="FILE", help="with --many: write the CSV to FILE (default: stdout)")
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                   help=f"stop grading a submission after this long (default {DEFAULT_TIME_LIMIT:g} s)")
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
    p = asub.add_parser("new", parents=[common], help="scaffold an assignment: handout, starter, grader, solution, wrong submission")
    p.add_argument("name", help="lower case letters, digits and '-', e.g. roofline")
    p.add_argument("--kit", metavar="DIR", help="the kit folder to add it to (default: the checkout's assignments/)")
    p.set_defaults(func=cmd_new)
    a.set_defaults(func=lambda _: (a.print_help(), 2)[1])
