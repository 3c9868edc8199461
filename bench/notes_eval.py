"""`make eval-notes`: how well wizard reads a provider's note, measured on the case library.

Every vignette of the case files is read as a note. For each question the case answers, the
reader's suggestion is compared with the case's answer:

* right: suggested, and the case's answer (counted against the questions the case says its
  note states, `stated`; a case without `stated` counts every answer as stated);
* wrong: suggested, and not the case's answer (whether stated or not: a wrong suggestion is
  wrong wherever it comes from);
* missed: stated, but not suggested (nothing found, or a conflict);
* conflict: stated, and the note was read two ways (shown to the person with both quotes).

Then the case is coded as a person using the UI would: the suggestions, and the case's own
answers for the questions left open; the code set must equal the case's.

Targets: at least 90% of the stated answers suggested right, at most 2% of the suggestions
wrong, and the code set right on every vignette. `--cases FILE` reads other case files (notes
written by others, held out from tuning), `--verbose` lists every miss and wrong suggestion. `--wrap N` reads each
vignette wrapped at N columns, as a note exported or pasted at a fixed width reads (the reader
must find the same answers in it).

    python -m bench.notes_eval [--cases FILE ...] [--tree TREE] [--wrap N] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RIGHT_TARGET = 0.90
WRONG_TARGET = 0.02


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.notes_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, action="append", help="a case file (default: every file of the bundled case library)")
    parser.add_argument("--tree", type=Path, help="tree file (default: the shipped low back pain tree)")
    parser.add_argument("--wrap", type=int, metavar="N", help="wrap each line of a vignette at N columns before reading it")
    parser.add_argument("--verbose", action="store_true", help="list every wrong and missed answer with its quote")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from wizard.engine.engine import Engine
    from wizard.engine.headless import walk
    from wizard.notes.prefill import suggest
    from wizard.notes.reader import read_note
    from wizard.tree.models import same_answer
    from wizard.quiz.cases import load_case_file, load_cases
    from wizard.tree.loader import default_tree_path, load_tree

    tree = load_tree(args.tree or default_tree_path()).tree
    cases = [case for path in args.cases for case in load_case_file(path).case] if args.cases else list(load_cases().cases)
    started = time.perf_counter()
    read_note(tree, "Warm-up: the library loads once.")
    loaded_in = time.perf_counter() - started
    per_question: dict[str, Counter[str]] = {q.id: Counter() for q in tree.questions}
    code_misses: list[str] = []
    unannotated = 0
    reading = 0.0
    for case in cases:
        started = time.perf_counter()
        found = suggest(tree, wrapped(case.vignette, args.wrap))
        reading += time.perf_counter() - started
        stated = set(case.stated) if case.stated is not None else set(case.answers)
        unannotated += case.stated is None
        conflicted = {c.question for c in found.conflicts}
        for question, answer in case.answers.items():
            counts = per_question.setdefault(question, Counter())
            counts["stated"] += question in stated
            if question in found.answers:
                counts["suggested"] += 1
                if same_answer(found.answers[question], answer):
                    counts["right"] += question in stated
                    counts["right, not stated"] += question not in stated
                else:
                    counts["wrong"] += 1
                    if args.verbose:
                        quotes = "; ".join(f'"{e.quote}" ({e.context})' for e in found.evidence_for(question))
                        print(f"WRONG  {case.id}: {question} = {found.answers[question]!r}, the case says {answer!r}: {quotes}")
            elif question in stated:
                counts["missed"] += 1
                counts["conflict"] += question in conflicted
                if args.verbose:
                    why = " (conflict: " + ", ".join(map(str, found.conflict_for(question).answers)) + ")" if question in conflicted else ""  # type: ignore[union-attr]
                    print(f"missed {case.id}: {question} = {answer!r}{why}")
        engine = Engine(tree)
        answers = {**case.answers, **{q: a for q, a in found.answers.items() if q in case.answers}}
        codes = engine.result().code_list if walk(engine, answers) is None else ["(open question)"]
        if codes != list(case.expected):
            code_misses.append(f"{case.id}: {codes} instead of {case.expected}")
    print(table(per_question))
    stated = sum(c["stated"] for c in per_question.values())
    right = sum(c["right"] for c in per_question.values())
    suggested = sum(c["suggested"] for c in per_question.values())
    wrong = sum(c["wrong"] for c in per_question.values())
    right_share = right / stated if stated else 1.0
    wrong_share = wrong / suggested if suggested else 0.0
    print()
    print(f"{len(cases)} vignettes" + (f", each wrapped at {args.wrap} columns" if args.wrap else "") + (f" ({unannotated} without `stated`: every answer counted as stated)" if unannotated else ""))
    print(f"stated answers suggested right: {right}/{stated} = {right_share:.1%} (target >= {RIGHT_TARGET:.0%}) {'ok' if right_share >= RIGHT_TARGET else 'MISSED'}")
    print(f"suggestions wrong: {wrong}/{suggested} = {wrong_share:.1%} (target <= {WRONG_TARGET:.0%}) {'ok' if wrong_share <= WRONG_TARGET else 'MISSED'}")
    print(f"code sets right after the suggestions: {len(cases) - len(code_misses)}/{len(cases)} {'ok' if not code_misses else 'MISSED'}")
    for miss in code_misses:
        print(f"  {miss}")
    print(f"medspaCy loaded in {loaded_in:.1f} s; reading took {1000 * reading / max(1, len(cases)):.0f} ms a note on average")
    met = right_share >= RIGHT_TARGET and wrong_share <= WRONG_TARGET and not code_misses
    return 0 if met else 1


def wrapped(text: str, width: int | None) -> str:
    """The text with each line wrapped at `width` columns (None: as it is)."""
    import textwrap

    if not width:
        return text
    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False) if line.strip() else line for line in text.splitlines())


def table(per_question: dict[str, Counter[str]]) -> str:
    columns = ("stated", "right", "wrong", "missed", "conflict", "right, not stated")
    lines = ["| question | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for question, counts in per_question.items():
        if any(counts.values()):
            lines.append(f"| {question} | " + " | ".join(str(counts[c]) for c in columns) + " |")
    totals = Counter()
    for counts in per_question.values():
        totals.update(counts)
    lines.append("| **all** | " + " | ".join(str(totals[c]) for c in columns) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
