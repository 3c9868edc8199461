"""Resuming a session: its answers replayed on the tree as it is now.

When the tree changed since the session was saved, an answer may no longer fit: its
question is gone, its option is gone, or the answers before it no longer lead to it. Such
answers are never dropped silently: they come back as flags with the reason, and the
session keeps them in its `flagged` list (out of the result).
"""

from __future__ import annotations

from wizard.engine.coder import Describer
from wizard.engine.engine import AnswerError, Engine, check_answer
from wizard.engine.result import ENTERED
from wizard.sessions.errors import SessionError
from wizard.sessions.ids import now
from wizard.sessions.models import AnswerRecord, Flag, FlagReason, Session
from wizard.sessions.recorder import apply_engine
from wizard.sessions.store import tree_record
from wizard.tree.loader import LoadedTree
from wizard.tree.models import Answer


def resume_engine(session: Session, loaded: LoadedTree, describer: Describer | None = None) -> tuple[Engine, list[Flag]]:
    """An engine with the session's answers replayed, and the answers that no longer fit.

    Updates the session in memory (answers, flags, result, and the tree it now runs on);
    the caller saves it (SessionRecorder.save()). Raises SessionError when the tree is a
    different tree altogether.
    """
    tree = loaded.tree
    if tree.tree.id != session.tree.id:
        raise SessionError(
            loaded.path,
            f"is tree '{tree.tree.id}', but session {session.id} was made with tree '{session.tree.id}' ({session.tree.path})",
            f"resume it with --tree naming the '{session.tree.id}' tree",
        )
    engine = Engine(tree, describer, session.date_of_service)
    when = now()
    flags: list[Flag] = []
    wanted: dict[str, Answer] = {}
    records: dict[str, AnswerRecord] = {}
    for record in [*session.answers, *session.pending]:
        question = tree.question(record.question)
        if question is None:
            flags.append(_flag(record, "unknown_question", f"tree '{tree.tree.id}' v{tree.tree.version} no longer has the question '{record.question}'", loaded, when))
            continue
        try:
            wanted[record.question] = check_answer(question, record.answer)
        except AnswerError as error:
            flags.append(_flag(record, "invalid_answer", f"the answer no longer fits: {error}", loaded, when))
            continue
        records[record.question] = record
        if record.origin != ENTERED:  # resumed answers keep how they were given
            engine.origins[record.question] = record.origin_value()
    for step in engine.replay(wanted):
        record = records[step.question]
        if engine.current is not None and engine.current.id == step.question:
            flags.append(_flag(record, "invalid_answer", f"'{step.question}' does not take {step.answer!r} after the answers before it; it is asked again", loaded, when))
        else:
            flags.append(_flag(record, "not_reached", f"the answers before it no longer lead to '{step.question}' in tree v{tree.tree.version}", loaded, when))
    changed = bool(flags) or session.tree.sha256 != loaded.sha256
    session.flagged = [*session.flagged, *flags]
    session.tree = tree_record(loaded)
    apply_engine(session, engine, when)
    if changed:
        session.updated = when
    return engine, flags


def _flag(record: AnswerRecord, reason: FlagReason, message: str, loaded: LoadedTree, when: object) -> Flag:
    return Flag(
        question=record.question,
        prompt=record.prompt,
        answer=record.answer,
        label=record.label,
        at=record.at,
        reason=reason,
        message=message,
        flagged_at=when,
        tree_sha256=loaded.sha256,
    )
