"""The state machine over a Tree: questions are states, answers are triggers.

The `transitions` Machine owns the flow (which question follows an answer); the Engine
owns the answers (a stack, for back and undo) and asks the Coder for the code set.
Changing an earlier answer replays the stack through the machine, so the answers that
still apply are kept and the rest are dropped and reported.

The Machine gets a state's transitions when the state is first left (they come from
`flow_edges`, one question at a time), and the states they lead to then: a walk through a
20,000-question tree wires the dozen states it visits, not every state and edge of the tree.
The Machine itself is made at the first move: showing the first question needs none, and
a launch then paints it without importing transitions.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from wizard.engine.coder import Coder, Describer, ReleaseCheck, answer_label
from wizard.engine.flow import DONE, STOP_PREFIX, edges_from, flow_edges, stops_by_question
from wizard.engine.result import Origin, Result
from wizard.record import record
from wizard.tree.models import Answer, Question, Stop, Tree

if TYPE_CHECKING:
    from transitions import Machine

__all__ = ["DONE", "STOP_PREFIX", "AnswerError", "Engine", "Step", "check_answer", "flow_edges", "trigger_for", "triggers_of"]

NUMBER_TRIGGER = "answer__number"
# Every answer of a question with several answers is one trigger; the edges' conditions
# (`includes`) tell the answers apart, as they do the options of any other question.
SET_TRIGGER = "answer__set"


def trigger_for(answer: Answer) -> str:
    if isinstance(answer, tuple):
        return SET_TRIGGER
    return NUMBER_TRIGGER if isinstance(answer, int) else f"answer_{answer}"


def triggers_of(question: Question) -> list[str]:
    """The triggers a question's state accepts: one per option, one for any number, one for any set."""
    if question.many:
        return [SET_TRIGGER]
    triggers = [trigger_for(o) for o in question.option_ids()]
    if question.number is not None:
        triggers.append(NUMBER_TRIGGER)
    return triggers


class AnswerError(ValueError):
    """An answer that the current question does not take; the message lists what it does take."""

    def __init__(self, question: Question, given: object, message: str) -> None:
        super().__init__(message)
        self.question = question
        self.given = given


@record
class Step:
    """One answered question on the path, as the user saw it."""

    question: str
    prompt: str
    answer: Answer
    label: str


class _Flow:
    """The model object the Machine drives; it only carries the state."""

    state: str


def check_answer(question: Question, value: object) -> Answer:
    """Validate an answer for a question; return it normalised or raise AnswerError.

    A question with several answers takes a list (or tuple) of option ids and gives them back
    as a tuple in the order the options are written; any other question takes one answer.
    """
    ids = question.option_ids()
    if question.many:
        return _check_members(question, value)
    if isinstance(value, (list, tuple)):
        raise AnswerError(question, value, f"'{question.id}' takes one answer, not a list; choose one of: {', '.join(ids)}.")
    if isinstance(value, bool):
        value = str(value).lower()
    if isinstance(value, int):
        spec = question.number
        if spec is None:
            raise AnswerError(question, value, f"'{question.id}' takes one of: {', '.join(ids)}; got the number {value}.")
        if not spec.min <= value <= spec.max:
            named = f", or {', '.join(ids)}" if ids else ""
            raise AnswerError(question, value, f"'{question.id}' takes a whole number from {spec.min} to {spec.max}{named}; got {value}.")
        return value
    if isinstance(value, str):
        if value in ids:
            return value
        if question.number is not None and value.strip().lstrip("-").isdigit():
            return check_answer(question, int(value.strip()))
        choices = ", ".join(ids)
        if question.number is not None:
            choices = f"a whole number from {question.number.min} to {question.number.max}" + (f", or {choices}" if ids else "")
        close = difflib.get_close_matches(value, ids, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise AnswerError(question, value, f"'{value}' is not an answer to '{question.id}'; choose {choices}.{hint}")
    raise AnswerError(question, value, f"'{question.id}' takes an option id or a whole number, not {type(value).__name__}.")


def _check_members(question: Question, value: object) -> tuple[str, ...]:
    """The options chosen for a question with several answers, in the options' order."""
    ids = question.option_ids()
    members = ", ".join(ids)
    if isinstance(value, str):
        raise AnswerError(
            question, value,
            f"'{question.id}' takes a list of answers, e.g. [\"{value}\"] ([] for none), not the single answer '{value}'; its options: {members}.",
        )
    if not isinstance(value, (list, tuple)):
        raise AnswerError(question, value, f"'{question.id}' takes a list of option ids ([] for none), not {type(value).__name__}; its options: {members}.")
    seen: set[str] = set()
    for member in value:
        if not isinstance(member, str):
            raise AnswerError(question, value, f"'{question.id}' takes a list of option ids; {member!r} is not one. Its options: {members}.")
        if member not in ids:
            close = difflib.get_close_matches(member, ids, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise AnswerError(question, value, f"'{member}' is not an answer to '{question.id}'; choose any of: {members}.{hint}")
        if member in seen:
            raise AnswerError(question, value, f"'{member}' is listed twice for '{question.id}'; name each answer once (options: {members}).")
        seen.add(member)
    return tuple(i for i in ids if i in seen)


class Engine:
    """Runs one tree for one encounter."""

    def __init__(self, tree: Tree, describer: Describer | None = None, date_of_service: date | None = None) -> None:
        self.tree = tree
        self.coder = Coder(tree, describer)
        # The encounter's date of service; the release check (set by use_release) checks the
        # codes against the ICD-10-CM release in force that day.
        self.date_of_service = date_of_service
        self.release_check: ReleaseCheck | None = None
        # How each answer was given, by question (an answer not here was entered by a person):
        # kept by whoever answers (the UI, a run with a note); the engine only carries it.
        self.origins: dict[str, Origin] = {}
        self.evaluator = self.coder.evaluator
        self._answers: list[tuple[str, Answer]] = []
        # The same answers as a mapping, kept in step with the stack: the machine's conditions
        # read it on every move, and copying the stack each time would dominate a move.
        self._answer_map: dict[str, Answer] = {}
        # Answers kept from a change to an earlier question, waiting for their question to
        # come round again; applied as soon as it does.
        self._pending: dict[str, Answer] = {}
        self._stops = {s.id: s for s in tree.stops}
        self._questions = {q.id: q for q in tree.questions}
        self._position = {q.id: i for i, q in enumerate(tree.questions)}
        self._stops_reading = stops_by_question(tree, self.evaluator)
        self._wired: set[str] = set()
        self._flow = _Flow()
        self._initial = self._flow.state = self._first_question()
        self._machine: Machine | None = None
        self._states: set[str] = set()

    # -- building the machine -------------------------------------------------------------

    @property
    def machine(self) -> Machine:
        if self._machine is None:
            from transitions import Machine

            state = self._flow.state
            self._machine = Machine(
                model=self._flow,
                states=[state],
                initial=state,
                auto_transitions=False,
                send_event=False,
                ignore_invalid_triggers=False,
            )
            self._states = {state}
        return self._machine

    def _first_question(self) -> str:
        for question in self.tree.questions:
            if self.evaluator.holds(question.when, {}):
                return question.id
        return DONE

    def _wire(self, question_id: str) -> None:
        """Give a question's state its transitions, the first time it is left."""
        if question_id in self._wired:
            return
        self._wired.add(question_id)
        question = self._questions[question_id]
        machine = self.machine
        for dest, condition in edges_from(self.tree, self._position[question_id], self._stops_reading):
            if dest not in self._states:
                machine.add_state(dest)
                self._states.add(dest)
            conditions = [self._holds(condition)] if condition is not None else []
            for trigger in triggers_of(question):
                machine.add_transition(trigger, question_id, dest, conditions=conditions)

    def _holds(self, condition: object):  # noqa: ANN202 - a transitions callback
        check = self.evaluator.compile(condition)  # type: ignore[arg-type]
        answers = self._answer_map

        def holds() -> bool:
            return check(answers, None)

        return holds

    # -- state --------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._flow.state

    @property
    def answers(self) -> dict[str, Answer]:
        return dict(self._answer_map)

    @property
    def current(self) -> Question | None:
        """The question waiting for an answer, or None when the tree has ended."""
        return self._questions.get(self._flow.state)

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def stop(self) -> Stop | None:
        if self.state.startswith(STOP_PREFIX):
            return self._stops[self.state.removeprefix(STOP_PREFIX)]
        return None

    @property
    def path(self) -> list[Step]:
        """The answered questions in the order they were answered."""
        return [self._step(q, a) for q, a in self._answers]

    @property
    def pending(self) -> list[Step]:
        """Answers kept from a change that will apply when their question is reached."""
        return [self._step(q, a) for q, a in self._pending.items()]

    def _step(self, question_id: str, answer: Answer) -> Step:
        question = self._questions.get(question_id)
        assert question is not None
        return Step(question_id, question.prompt, answer, answer_label(self.tree, question_id, answer))

    # -- moves ----------------------------------------------------------------------------

    def answer(self, value: object) -> Question | None:
        """Answer the current question; returns the next question (None at the end)."""
        question = self.current
        if question is None:
            raise RuntimeError("the tree has ended; go back or restart to answer again")
        answer = check_answer(question, value)
        self._pending.pop(question.id, None)
        self._record(question.id, answer)
        self._apply_pending()
        return self.current

    def _record(self, question_id: str, answer: Answer) -> None:
        self._answers.append((question_id, answer))
        self._answer_map[question_id] = answer
        self._wire(question_id)
        self._flow.trigger(trigger_for(answer))

    def _apply_pending(self) -> list[Step]:
        """Apply kept answers whose question has come round; drop those that can no longer apply."""
        steps: list[Step] = []
        while self.current is not None and self.current.id in self._pending:
            question = self.current
            value = self._pending.pop(question.id)
            try:
                answer = check_answer(question, value)
            except AnswerError:
                # The question is asked again; the answer that no longer fits is reported.
                steps.append(Step(question.id, question.prompt, value, str(value)))  # type: ignore[arg-type]
                break
            self._record(question.id, answer)
        dropped = [q for q in self._pending if not self._may_still_ask(q)]
        steps += [self._step(q, self._pending.pop(q)) for q in dropped]
        return steps

    def _may_still_ask(self, question_id: str) -> bool:
        """False when a question is behind us, or its condition is already decided against it."""
        current = self.current
        if current is None:
            return False
        position = self._position
        here = position[current.id]
        if position[question_id] <= here:
            return False
        question = self._questions[question_id]
        reads = self.evaluator.reads(question.when)
        answers = self._answer_map
        if reads and all(q in answers or position[q] < here for q in reads):
            return self.evaluator.holds(question.when, answers)
        return True

    def back(self) -> Question | None:
        """Undo the last answer; returns the question asked again."""
        if not self._answers:
            return self.current
        question_id, _ = self._answers.pop()
        del self._answer_map[question_id]
        self.machine.set_state(question_id)
        return self.current

    def restart(self) -> None:
        self._answers.clear()
        self._answer_map.clear()
        self._pending.clear()
        self.machine.set_state(self._initial)

    def change(self, question_id: str, value: object) -> list[Step]:
        """Change an earlier answer; later answers that still apply are kept.

        Returns the steps that were dropped because their question is no longer asked.
        """
        position = next((i for i, (q, _) in enumerate(self._answers) if q == question_id), None)
        if position is None:
            if self.current is not None and self.current.id == question_id:
                self.answer(value)
                return []
            raise KeyError(f"'{question_id}' has not been answered")
        question = self.tree.question(question_id)
        assert question is not None
        new_answer = check_answer(question, value)
        kept = {**dict(self._answers), **self._pending, question_id: new_answer}
        return self.replay(kept)

    def replay(self, answers: Mapping[str, Answer]) -> list[Step]:
        """Restart and walk with the given answers as far as they go.

        Answers to questions that may still come are kept as pending; the rest are dropped
        and returned. An answer that does not fit its question stops the walk there, so the
        caller can show that question again.
        """
        self.restart()
        known = {q: a for q, a in answers.items() if self.tree.question(q) is not None}
        self._pending = dict(known)
        return self._apply_pending()

    # -- results --------------------------------------------------------------------------

    def blank(self, tree: Tree | None = None) -> Engine:
        """A new engine for the same encounter: describer, date of service and release check, no answers."""
        fresh = Engine(tree or self.tree, self.coder.describer, self.date_of_service)
        fresh.release_check = self.release_check
        return fresh

    def use_release(self, check: ReleaseCheck, describer: Describer) -> None:
        """Check the codes against a release (its tabular also describes them) from now on."""
        self.release_check = check
        self.date_of_service = check.date_of_service
        self.coder.describer = describer

    def result(self) -> Result:
        """The code set as it stands (complete once the tree has ended)."""
        return self.coder.result(self.answers, complete=self.finished, stop=self.stop, date_of_service=self.date_of_service, release_check=self.release_check)
