"""Markdown export: the text transcript with tables."""

from __future__ import annotations

from wizard.export.transcript import Transcript, release_line
from wizard.text import clean, one_line

# Markdown syntax in the data (links, images, HTML, emphasis, table cells) is shown as written:
# CommonMark renders any backslash-escaped ASCII punctuation as the character itself.
_LITERAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|&~"})


def _cell(text: object) -> str:
    return one_line(str(text)).translate(_LITERAL)


def _code(text: str) -> str:
    """A code span, or escaped text when the value could end the span."""
    return f"`{one_line(text)}`" if text and "`" not in text else _cell(text)


def render_markdown(t: Transcript) -> str:
    result = t.result
    out = [f"# ICD-10-CM coding summary ({_cell(t.release)})", ""]
    if result.date_of_service:
        out.append(f"- **Date of service:** {_cell(result.date_of_service)}")
    out.append(f"- **ICD-10-CM release:** {_cell(release_line(t))}")
    if t.created:
        out.append(f"- **Date:** {t.created.isoformat(timespec='minutes')}")
    if t.label:
        out.append(f"- **Label:** {_cell(t.label)}")
    out.append(f"- **Tree:** {_cell(t.tree.title)} ({_code(t.tree.id)} v{_cell(t.tree.version)})")
    if t.session_id:
        out.append(f"- **Session:** {_code(t.session_id)}")
    out.append("")
    if result.stop:
        out += [f"> Ended early: {_cell(result.stop.message)}", ""]
    out += ["## Codes", "", "| # | Code | Description | Role | Reason |", "|---|---|---|---|---|"]
    for index, line in enumerate(result.codes, 1):
        error = f"**Error:** {_cell(line.error)} " if line.error else ""
        out.append(f"| {index} | {_code(line.code)} | {_cell(line.description)} | {_cell(line.role)} | {error}{_cell(line.reason_line())} |")
    if not result.codes:
        out.append("| | | (none) | | |")
    if result.warnings:
        out += ["", "## Warnings", ""]
        out += [f"- {_cell(w.text)}" + (" *(acknowledged)*" if w.id in t.acknowledged else "") for w in result.warnings]
    out += ["", "## Questions and answers", "", "| Question | Answer | Origin |", "|---|---|---|"]
    out += [f"| {_cell(s.prompt)} | {_cell(s.label)} | {_cell(t.origin_of(s.question).describe() or 'entered')} |" for s in t.path]
    if t.flagged:
        out += ["", "## Answers set aside", "", "The tree changed since these were given.", "", "| Question | Answer | Why |", "|---|---|---|"]
        out += [f"| {_cell(f.prompt)} | {_cell(f.label)} | {_cell(f.reason)} |" for f in t.flagged]
    out += ["", "## Documentation checklist", ""]
    out += [f"- [{'x' if i.id in t.checked else ' '}] {_cell(i.text)}" + (" *(query)*" if i.kind == "query" else "") for i in result.checklist]
    if not result.checklist:
        out.append("Nothing to add.")
    return clean("\n".join(out) + "\n")
