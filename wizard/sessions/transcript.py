"""A saved session as a Transcript, so that every export renders sessions the same way as runs."""

from __future__ import annotations

from wizard.engine.engine import Step
from wizard.engine.result import ENTERED
from wizard.record import replace
from wizard.export.transcript import FlaggedStep, Transcript, TreeRef
from wizard.sessions.models import Session


def session_transcript(session: Session) -> Transcript:
    tree = session.tree
    result = session.result.to_result()
    if session.date_of_service and not result.date_of_service:  # a result saved before the date was set
        result = replace(result, date_of_service=session.date_of_service.isoformat())
    return Transcript(
        tree=TreeRef(tree.id, tree.title, tree.version, tree.sha256, tree.path),
        release=session.icd10cm_release,
        path=tuple(Step(a.question, a.prompt, a.answer, a.label) for a in session.answers),
        result=result,
        label=session.label,
        created=session.created,
        checked=frozenset(session.checked),
        acknowledged=frozenset(session.acknowledged),
        session_id=session.id,
        app_version=session.app_version,
        updated=session.updated,
        answered_at=tuple(a.at for a in session.answers),
        flagged=tuple(FlaggedStep(f.question, f.prompt, f.answer, f.label, f.message) for f in session.flagged),
        origins={a.question: a.origin_value() for a in session.answers if a.origin != ENTERED},
    )
