"""Exports of a run or a saved session: text, markdown, json and a FHIR R4 Bundle.

Every format is rendered from one `Transcript`, so they never disagree. The transcript's names
(and the engine behind them) are imported when first used (PEP 562): the command line's parser
reads FORMATS without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.export.transcript import Transcript, TreeRef, transcript_from_engine

FORMATS = ("text", "markdown", "json", "fhir")


def __getattr__(name: str) -> Any:
    if name not in ("Transcript", "TreeRef", "transcript_from_engine"):
        raise AttributeError(f"module 'wizard.export' has no attribute '{name}'")
    from wizard.export import transcript

    value = getattr(transcript, name)
    globals()[name] = value
    return value


def render(transcript: Transcript, fmt: str, *, patient_ref: str | None = None, bundle_type: str = "collection") -> str:
    """Render a transcript in one of FORMATS; patient_ref and bundle_type are used by fhir only."""
    if fmt == "text":
        from wizard.export.text import render_text

        return render_text(transcript)
    if fmt == "markdown":
        from wizard.export.markdown import render_markdown

        return render_markdown(transcript)
    if fmt == "json":
        from wizard.export.json_export import render_json

        return render_json(transcript)
    if fmt == "fhir":
        from wizard.export.fhir import render_fhir

        return render_fhir(transcript, patient_ref=patient_ref, bundle_type=bundle_type)
    raise ValueError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")


class ExportError(ValueError):
    """The transcript cannot be written in this format (a hand-edited session's code that is
    not a FHIR code, say); the message names the value and the fix."""


__all__ = ["FORMATS", "ExportError", "Transcript", "TreeRef", "render", "transcript_from_engine"]
