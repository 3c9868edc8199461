"""One quiz run: which cases, in which order, the grade of each, the score and the topics to review.

Plain objects, no Textual: the TUI renders a QuizRun and sends it grades; tests drive it directly.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from wizard.engine.coder import answer_label
from wizard.quiz.cases import Case
from wizard.quiz.grading import Grade
from wizard.tree.models import Answer, Tree, same_answer

# "Several cases": a run short enough for one sitting; --count changes it.
DEFAULT_COUNT = 5
MODES = ("typed", "walked")


@dataclass(frozen=True)
class Order:
    """Library order, or shuffled with a seed that is shown so the same run can be repeated."""

    shuffled: bool = False
    seed: int | None = None

    def arrange(self, cases: Sequence[Case]) -> list[Case]:
        arranged = list(cases)
        if self.shuffled:
            random.Random(self.seed).shuffle(arranged)
        return arranged

    @property
    def label(self) -> str:
        return f"shuffled, seed {self.seed}" if self.shuffled else "library order"


def plan(cases: Sequence[Case], order: Order, count: int | None = DEFAULT_COUNT) -> tuple[Case, ...]:
    """The cases of a run: arranged, then the first `count` (all of them for None or 0)."""
    arranged = order.arrange(cases)
    return tuple(arranged[:count] if count else arranged)


@dataclass(frozen=True)
class Graded:
    """The latest grade of one case in this run and how the codes were found."""

    grade: Grade
    mode: str  # typed or walked


@dataclass
class QuizRun:
    """The cases of one run and the grades so far; retrying a case replaces its grade."""

    cases: tuple[Case, ...]
    order: Order = field(default_factory=Order)
    index: int = 0
    graded: dict[str, Graded] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.cases:
            raise ValueError("a quiz run needs at least one case")

    @property
    def current(self) -> Case | None:
        return self.cases[self.index] if self.index < len(self.cases) else None

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def is_last(self) -> bool:
        return self.index >= len(self.cases) - 1

    @property
    def position(self) -> str:
        """`case 2 of 5`, or `done` after the last one."""
        return f"case {self.index + 1} of {len(self.cases)}" if not self.finished else f"{len(self.cases)} cases"

    def record(self, grade: Grade, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode is one of {', '.join(MODES)}, not {mode!r}")
        self.graded[grade.case] = Graded(grade, mode)

    def advance(self) -> Case | None:
        """Move to the next case; None once the run is over."""
        self.index = min(self.index + 1, len(self.cases))
        return self.current

    @property
    def score(self) -> float:
        """The mean score of the cases graded (a case skipped by quitting does not count)."""
        scores = [g.grade.score for g in self.graded.values()]
        return round(sum(scores) / len(scores), 2) if scores else 0.0

    def results(self) -> list[tuple[Case, Graded | None]]:
        return [(case, self.graded.get(case.id)) for case in self.cases]

    def topics_to_review(self) -> list[tuple[str, int]]:
        """Topics of the cases not scored 1.0, the most frequent first (then in first-seen order)."""
        counts = Counter(topic for g in self.graded.values() for topic in g.grade.topics)
        first_seen = {topic: n for n, topic in enumerate(dict.fromkeys(t for g in self.graded.values() for t in g.grade.topics))}
        return sorted(counts.items(), key=lambda item: (-item[1], first_seen[item[0]]))


@dataclass(frozen=True)
class AnswerDifference:
    """A question where a walk of the tree and the case's documented answers part ways."""

    question: str
    prompt: str
    yours: str | None  # None: the walk never reached the question
    case: str | None  # None: the case's path never reaches it


def answer_differences(tree: Tree, case_answers: Mapping[str, Answer], walked: Mapping[str, Answer]) -> list[AnswerDifference]:
    """In tree order, every question answered differently (or on one path only)."""
    differences = []
    for question in tree.questions:
        mine, theirs = walked.get(question.id), case_answers.get(question.id)
        if same_answer(mine, theirs):
            continue  # a set of options is the same answer in any order
        differences.append(
            AnswerDifference(
                question.id,
                question.prompt,
                None if mine is None else answer_label(tree, question.id, mine),
                None if theirs is None else answer_label(tree, question.id, theirs),
            )
        )
    return differences
