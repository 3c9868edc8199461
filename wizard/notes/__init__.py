"""Reading a provider's note: answers suggested from it, each with the words it came from.

The tree says which words state which answer (`cues` on options, numbers and checklist items,
and `read` on a question: how negated, possible and historical mentions count). medspaCy
finds the cues in the note and its ConText component tells an affirmed mention from a
negated, possible ("rule out"), historical, hypothetical or family-history one
(`wizard.notes.reader`). `wizard.notes.prefill` turns the mentions into suggestions: a
question is suggested only when the note supports exactly one answer; two answers are a
conflict, shown with both quotes; family and hypothetical mentions never count. A person
confirms every suggestion (the UI) or reviews the evidence (the command line).

medspaCy is the `notes` extra (`pip install 'wizard-lbp[notes]'`): it is imported only when a
note is read, never on the way to the first question, and wizard works without it.

The note is PHI: nothing here writes it anywhere. Only the quotes behind confirmed answers
are kept with a session.
"""

from __future__ import annotations

INSTALL_HINT = "pip install 'wizard-lbp[notes]'"


class NoteError(ValueError):
    """A note that cannot be read (empty, binary, too big); the message names it and the fix."""


class NotesUnavailable(RuntimeError):
    """medspaCy (the `notes` extra) is not installed; the message says how to add it."""


__all__ = ["INSTALL_HINT", "NoteError", "NotesUnavailable"]
