"""Exports of a run or a saved session: text, markdown, json (and fhir, from the sessions work).

Every format is rendered from one `Transcript`, so they never disagree.
"""

from wizard.export.transcript import Transcript, TreeRef, transcript_from_engine

FORMATS = ("text", "markdown", "json")


def render(transcript: Transcript, fmt: str) -> str:
    """Render a transcript in one of FORMATS."""
    if fmt == "text":
        from wizard.export.text import render_text

        return render_text(transcript)
    if fmt == "markdown":
        from wizard.export.markdown import render_markdown

        return render_markdown(transcript)
    if fmt == "json":
        from wizard.export.json_export import render_json

        return render_json(transcript)
    raise ValueError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "Transcript", "TreeRef", "render", "transcript_from_engine"]
