"""`wizard graph`: a Mermaid state diagram that Mermaid can read whatever the tree's text holds."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from conftest import DEMO_TREE
from wizard.engine.graph import mermaid
from wizard.tree import load_tree

TITLE = 'Back "pain" [L4-L5] #1; <b>bold</b> 100%% {a: b} \\ and\na second line'
# A code pattern as a stop's condition may write it: it reaches an edge's label as written.
PATTERN = 'M54.5"]; #<x>[%%{:}'
# What Mermaid reads as syntax in a label or the title, unless written as an entity code (#35;).
SIGNIFICANT = re.compile(r'[#;:"<>\[\]{}%\\]')
ENTITY = re.compile(r"#(\w+);")
STATEMENT = re.compile(
    r'stateDiagram-v2|direction LR|classDef s_\w+ [^;]*|state "(?P<state>[^"]*)" as \w+|Class \w+ s_\w+'
    r"|\[\*\] --> \w+|\w+ --> \w+: (?P<edge>.*)|"
)


def decoded(text: str) -> str:
    """What Mermaid draws for a label: its entity codes turned back into characters."""
    return html.unescape(ENTITY.sub(lambda m: f"&#{m[1]};" if m[1].isdigit() else f"&{m[1]};", text))


def marked_tree(tmp_path: Path) -> Path:
    text = DEMO_TREE.read_text(encoding="utf-8")
    text = text.replace('title = "Demo tree"', f"title = {json.dumps(TITLE)}")
    stop = 'when = { region = "elsewhere" }'
    assert text.count(stop) == 1
    text = text.replace(stop, f'when = {{ region = ["elsewhere"], codes = [{json.dumps(PATTERN)}] }}')
    path = tmp_path / "marks.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_labels_and_title_with_mermaid_syntax_are_escaped(tmp_path: Path) -> None:
    diagram = mermaid(load_tree(marked_tree(tmp_path)).tree)
    front, body = re.fullmatch(r"---\n(.*)\n---\n(.*)", diagram, re.S).groups()
    # The title: one YAML string that holds nothing YAML or Mermaid would read, and draws as written.
    title = re.fullmatch(r'title: "([^"\\]*)"', front)
    assert title and not SIGNIFICANT.search(ENTITY.sub("", title[1]))
    assert decoded(title[1]) == " ".join(f"{TITLE} v1.0.0".split())
    # Every line is a statement of a state diagram; no label holds raw syntax.
    labels = []
    for line in body.splitlines():
        statement = STATEMENT.fullmatch(line.strip())
        assert statement, line
        label = statement["edge"] or statement["state"] or ""
        assert not SIGNIFICANT.search(ENTITY.sub("", label)), line
        labels.append(decoded(label))
    assert any(f"codes include {PATTERN}" in label for label in labels)
    assert any("region in {elsewhere}" in label for label in labels)  # the braces of a list of options


def test_a_plain_tree_keeps_its_readable_labels() -> None:
    diagram = mermaid(load_tree(DEMO_TREE).tree)
    assert diagram.startswith('---\ntitle: "Demo tree v1.0.0"\n---\nstateDiagram-v2\n')
    assert "region --> injury: " in diagram
