"""JSON export: the whole transcript, codes in reporting order."""

from __future__ import annotations

import json
from datetime import datetime

from wizard.engine.engine import Step
from wizard.export.transcript import Transcript
from wizard.text import json_safe


def transcript_dict(t: Transcript) -> dict[str, object]:
    result = t.result
    return {
        "tree": t.tree.as_dict(),
        "icd10cm_release": t.release,
        "release_in_force": result.release_in_force,
        "date_of_service": result.date_of_service or None,
        "app_version": t.app_version,
        "session_id": t.session_id,
        "label": t.label,
        "created": t.created.isoformat() if t.created else None,
        "complete": result.complete,
        "stop": {"id": result.stop.id, "message": result.stop.message, "cite": list(result.stop.cite)} if result.stop else None,
        "codes": [
            {
                "sequence": index + 1,
                "code": line.code,
                "description": line.description,
                "role": line.role,
                "reason": line.reason_line(),
                "rule": line.rule,
                "cite": list(line.cite),
                "confidence": line.confidence,
                "error": line.error or None,
            }
            for index, line in enumerate(result.codes)
        ],
        "checklist": [dict(item.as_dict(), checked=item.id in t.checked) for item in result.checklist],
        "warnings": [dict(w.as_dict(), acknowledged=w.id in t.acknowledged) for w in result.warnings],
        "path": [_step(s, at, t) for s, at in zip(t.path, t.answered_at or [None] * len(t.path))],
        "updated": t.updated.isoformat() if t.updated else None,
        "flagged": [{"question": f.question, "answer": f.answer, "label": f.label, "prompt": f.prompt, "reason": f.reason} for f in t.flagged],
    }


def _step(step: Step, at: datetime | None, t: Transcript) -> dict[str, object]:
    data: dict[str, object] = {"question": step.question, "answer": step.answer, "label": step.label, "prompt": step.prompt}
    if at is not None:
        data["at"] = at.isoformat()
    origin = t.origin_of(step.question)
    data["origin"] = origin.kind
    if origin.quote:
        data["quote"] = origin.quote
    return data


def render_json(t: Transcript) -> str:
    # The data is kept exactly; characters a terminal would obey are written as \u escapes.
    return json_safe(json.dumps(transcript_dict(t), indent=2, ensure_ascii=False)) + "\n"
