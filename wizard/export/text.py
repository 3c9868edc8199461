"""Plain-text export for pasting into a note, wrapped at 72 columns."""

from __future__ import annotations

import textwrap

from wizard.export.transcript import Transcript, release_line
from wizard.text import clean, one_line

WIDTH = 72


def _wrap(text: str, indent: str = "", hanging: str | None = None) -> list[str]:
    # Cleaned before wrapping, so that an escape sequence neither acts nor skews the widths.
    text = one_line(text)
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=hanging if hanging is not None else indent) or [indent.rstrip()]


def render_text(t: Transcript) -> str:
    result = t.result
    lines: list[str] = []
    title = f"ICD-10-CM coding summary ({t.release})"
    lines += [title, "=" * len(title)]
    if result.date_of_service:
        lines.append(f"Date of service: {result.date_of_service}")
    lines += _wrap(f"ICD-10-CM release: {release_line(t)}")
    if t.created:
        lines.append(f"Date: {t.created.isoformat(timespec='minutes')}")
    if t.label:
        lines += _wrap(f"Label: {t.label}")
    lines += _wrap(f"Tree: {t.tree.title} ({t.tree.id} v{t.tree.version})")
    if t.session_id:
        lines.append(f"Session: {t.session_id}")
    lines.append("")
    if result.stop:
        lines += _wrap(f"Ended early: {result.stop.message}")
        lines.append("")
    lines.append("Codes, in reporting order:")
    if not result.codes:
        lines.append("  (none)")
    for index, line in enumerate(result.codes, 1):
        lines += _wrap(f"{index}. {line.code}  {line.description} [{line.role}]", "  ", "     ")
        if line.error:
            lines += _wrap(f"ERROR: {line.error}", "     ")
        lines += _wrap(f"Why: {line.reason_line()}", "     ")
    if result.warnings:
        lines += ["", "Warnings:"]
        for warning in result.warnings:
            mark = " (acknowledged)" if warning.id in t.acknowledged else ""
            lines += _wrap(f"- {warning.text}{mark}", "  ", "    ")
    lines += ["", "Questions and answers:"]
    for step in t.path:
        origin = t.origin_of(step.question).describe()
        lines += _wrap(f"- {step.prompt} {step.label}" + (f" {origin}" if origin else ""), "  ", "    ")
    if t.flagged:
        lines += ["", "Answers set aside (the tree changed since they were given):"]
        for flag in t.flagged:
            lines += _wrap(f"- {flag.prompt} {flag.label}: {flag.reason}", "  ", "    ")
    lines += ["", "Documentation checklist:"]
    if not result.checklist:
        lines.append("  (nothing to add)")
    for item in result.checklist:
        box = "[x]" if item.id in t.checked else "[ ]"
        lines += _wrap(f"{box} {item.text}" + (" (query)" if item.kind == "query" else ""), "  ", "      ")
    open_count = len(t.open_items)
    lines += ["", f"Open checklist items: {open_count}" if open_count else "All checklist items done."]
    # The text goes to terminals and clipboards: whatever a session file held, nothing in it acts.
    return clean("\n".join(lines) + "\n")
