"""Markdown export: the text transcript with tables."""

from __future__ import annotations

from wizard.export.transcript import Transcript


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(t: Transcript) -> str:
    result = t.result
    out = [f"# ICD-10-CM coding summary ({t.release})", ""]
    if t.created:
        out.append(f"- **Date:** {t.created.isoformat(timespec='minutes')}")
    if t.label:
        out.append(f"- **Label:** {_cell(t.label)}")
    out.append(f"- **Tree:** {_cell(t.tree.title)} (`{t.tree.id}` v{t.tree.version})")
    if t.session_id:
        out.append(f"- **Session:** `{t.session_id}`")
    out.append("")
    if result.stop:
        out += [f"> Ended early: {_cell(result.stop.message)}", ""]
    out += ["## Codes", "", "| # | Code | Description | Role | Reason |", "|---|---|---|---|---|"]
    for index, line in enumerate(result.codes, 1):
        out.append(f"| {index} | `{line.code}` | {_cell(line.description)} | {line.role} | {_cell(line.reason_line())} |")
    if not result.codes:
        out.append("| | | (none) | | |")
    if result.warnings:
        out += ["", "## Warnings", ""]
        out += [f"- {_cell(w.text)}" + (" *(acknowledged)*" if w.id in t.acknowledged else "") for w in result.warnings]
    out += ["", "## Questions and answers", "", "| Question | Answer |", "|---|---|"]
    out += [f"| {_cell(s.prompt)} | {_cell(s.label)} |" for s in t.path]
    if t.flagged:
        out += ["", "## Answers set aside", "", "The tree changed since these were given.", "", "| Question | Answer | Why |", "|---|---|---|"]
        out += [f"| {_cell(f.prompt)} | {_cell(f.label)} | {_cell(f.reason)} |" for f in t.flagged]
    out += ["", "## Documentation checklist", ""]
    out += [f"- [{'x' if i.id in t.checked else ' '}] {_cell(i.text)}" + (" *(query)*" if i.kind == "query" else "") for i in result.checklist]
    if not result.checklist:
        out.append("Nothing to add.")
    return "\n".join(out) + "\n"
