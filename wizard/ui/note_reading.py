"""The provider's note in the wizard: read on a worker, its suggestions shown and confirmed.

A mixin of WizardApp. `wizard --note FILE` and the palette's "Read a note" hand the text to
`read_note_text`, which has the note read by the reader's own process (wizard.notes.service:
medspaCy loads there, on another core, and the first question never waits for it) from a
thread worker, and posts NoteRead or NoteFailed. Nothing is answered from the
note: each question it answers shows its suggestion (marked, highlighted, with the note's
words under the prompt) and Enter accepts it; any other choice overrides it. `accept_note`
(the `a` key) accepts the suggestions one question after another, each through the same
answer as a keypress, until a question the note does not answer.

The note itself is kept nowhere: the app keeps the suggestions (answers, quotes, sentences)
for this encounter, and a session keeps only the quotes behind confirmed answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from wizard.engine.result import ENTERED, NOTE_CONFIRMED, Origin
from wizard.tree.models import Answer, same_answer

if TYPE_CHECKING:
    from wizard.engine.engine import Engine
    from wizard.notes.prefill import Conflict, Evidence, Prefill
    from wizard.notes.service import NoteReaderProcess
    from wizard.tree.loader import LoadedTree


class NoteReading:
    """Reads a note on a worker and keeps its suggestions; expects the app's engine and tree."""

    engine: Engine
    loaded: LoadedTree
    post_message: Callable[..., bool]
    notify: Callable[..., None]
    refresh_views: Callable[[], None]
    answer: Callable[[Answer], None]
    screen: Any

    suggestions: Prefill | None = None
    note_reading: bool = False
    # The reader's own process (wizard.notes.service): started by the first note, ended with the app.
    note_reader: NoteReaderProcess | None = None
    # Checklist items ticked because the note documents them: ticked once, then the person's.
    note_ticked: set[str]

    class NoteRead(Message):
        def __init__(self, prefill: Prefill) -> None:
            super().__init__()
            self.prefill = prefill

    class NoteFailed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def read_note_text(self, text: str) -> None:
        from wizard.notes.service import NoteReaderProcess

        self.note_reading = True
        if self.note_reader is None:  # made here, not on the worker: the app's close always finds it
            self.note_reader = NoteReaderProcess()
        self._read_note(self.note_reader, text)

    @work(thread=True, exclusive=True, group="note", exit_on_error=False)
    def _read_note(self, reader: NoteReaderProcess, text: str) -> None:
        from wizard.notes import NoteError, NotesUnavailable

        try:
            from wizard.notes.service import ReaderFailed

            found = reader.read(self.loaded.tree, text)
        except (NoteError, NotesUnavailable, ReaderFailed) as error:
            self.post_message(self.NoteFailed(str(error)))
            return
        except Exception as error:  # noqa: BLE001 - the encounter goes on without the note; say why
            self.post_message(self.NoteFailed(f"the note could not be read ({type(error).__name__}: {error})"))
            return
        self.post_message(self.NoteRead(found))

    def on_note_reading_note_read(self, message: NoteRead) -> None:
        self.note_reading = False
        self.suggestions = message.prefill
        found = message.prefill
        answered = len(found.answers)
        conflicts = f"; {len(found.conflicts)} it answers two ways (both are shown)" if found.conflicts else ""
        self.notify(
            f"The note answers {answered} question(s){conflicts}. Each is shown with the note's words: Enter accepts it, "
            "another choice overrides it, a accepts the note's answers in a row.",
            title="Note read",
            timeout=12,
        )
        self.refresh_views()
        self.screen.refresh_bindings()  # the footer offers `a` now

    def on_note_reading_note_failed(self, message: NoteFailed) -> None:
        self.note_reading = False
        self.notify(f"{message.reason}", title="Note not read", severity="error", timeout=20)

    # -- suggestions ------------------------------------------------------------------------

    def suggestion_for(self, question_id: str) -> tuple[Answer | None, list[Evidence], Conflict | None]:
        """What the note suggests for a question not yet answered: the answer and its words,
        or the conflict; (None, [], None) when it says nothing or the question is answered."""
        found = self.suggestions
        if found is None or question_id in self.engine.answers:
            return None, [], None
        if question_id in found.answers:
            return found.answers[question_id], found.evidence_for(question_id), None
        return None, [], found.conflict_for(question_id)

    def origin_of_answer(self, question_id: str, value: Answer) -> Origin:
        """Entered, or from the note and confirmed when it is the note's suggestion."""
        found = self.suggestions
        if found is not None and question_id in found.answers and same_answer(found.answers[question_id], value):
            return Origin(NOTE_CONFIRMED, found.first_quote(question_id))
        return Origin(ENTERED)

    def accept_note(self) -> int:
        """Accept the note's suggestions in a row, from the current question on, until one it
        does not answer; each is answered as a keypress would. How many were accepted."""
        accepted = 0
        while (question := self.engine.current) is not None and accepted < len(self.engine.tree.questions):
            suggested, _, _ = self.suggestion_for(question.id)
            if suggested is None:
                break
            self.answer(suggested)
            accepted += 1
        return accepted

    def documented(self) -> dict[str, Any]:
        """Checklist items the note documents, with the words that do: empty without a note."""
        return dict(self.suggestions.documented) if self.suggestions is not None else {}

    def close_note_reader(self) -> None:
        if self.note_reader is not None:
            self.note_reader.close()
