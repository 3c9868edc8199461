"""A Mermaid diagram of a tree's flow, drawn by transitions' own diagram support."""

from __future__ import annotations

from transitions.extensions import GraphMachine

from wizard.engine.conditions import ConditionEvaluator, describe_condition
from wizard.engine.engine import DONE, STOP_PREFIX, flow_edges
from wizard.tree.models import Tree

# Characters that Mermaid reads as syntax in a state diagram, written as its entity codes, which
# it turns back into the character when it draws: `#`, `;` and `:` end an edge's label, `"` a
# state's, `<<...>>` and `[*]` are its own marks, braces open a composite state, `%%` starts a
# comment, and a backslash or a quote would end the title's YAML string.
MERMAID_ESCAPES = {
    "#": "#35;",
    ";": "#59;",
    ":": "#58;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "%": "#37;",
    "\\": "#92;",
}


class _Diagram:
    state: str


def mermaid_text(text: str) -> str:
    """Text as Mermaid shows it in a label or the title: one line (a line break would end the
    statement), each character Mermaid reads as syntax written as its entity code."""
    return "".join(MERMAID_ESCAPES.get(char, char) for char in " ".join(text.split()))


def mermaid(tree: Tree) -> str:
    """The flow as a Mermaid state diagram: each edge says when it is taken."""
    states = [q.id for q in tree.questions] + [DONE] + [STOP_PREFIX + s.id for s in tree.stops]
    machine = GraphMachine(
        model=_Diagram(),
        states=states,
        initial=tree.questions[0].id,
        auto_transitions=False,
        graph_engine="mermaid",
        # transitions writes the title alone between the front matter's `---` lines; Mermaid
        # reads that block as YAML and shows a `title` key.
        title=f'title: "{mermaid_text(f"{tree.tree.title} v{tree.tree.version}")}"',
        show_conditions=True,
    )
    # Candidates are tried in order; the number on each edge is its place in that order.
    rank: dict[str, int] = {}
    for question, dest, condition in flow_edges(tree, ConditionEvaluator(tree)):
        rank[question.id] = rank.get(question.id, 0) + 1
        when = "otherwise" if condition is None else describe_condition(condition)
        machine.add_transition(f"{rank[question.id]}. {mermaid_text(when)}", question.id, dest)
    graph = machine.model.get_graph()  # type: ignore[attr-defined]
    return graph.draw(None)
