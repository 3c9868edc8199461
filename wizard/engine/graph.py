"""A Mermaid diagram of a tree's flow, drawn by transitions' own diagram support."""

from __future__ import annotations

from transitions.extensions import GraphMachine

from wizard.engine.conditions import ConditionEvaluator, describe_condition
from wizard.engine.engine import DONE, STOP_PREFIX, flow_edges
from wizard.tree.models import Tree


class _Diagram:
    state: str


def mermaid(tree: Tree) -> str:
    """The flow as a Mermaid state diagram: each edge says when it is taken."""
    states = [q.id for q in tree.questions] + [DONE] + [STOP_PREFIX + s.id for s in tree.stops]
    machine = GraphMachine(
        model=_Diagram(),
        states=states,
        initial=tree.questions[0].id,
        auto_transitions=False,
        graph_engine="mermaid",
        title=f"{tree.tree.title} v{tree.tree.version}",
        show_conditions=True,
    )
    # Candidates are tried in order; the number on each edge is its place in that order.
    rank: dict[str, int] = {}
    for question, dest, condition in flow_edges(tree, ConditionEvaluator(tree)):
        rank[question.id] = rank.get(question.id, 0) + 1
        when = "otherwise" if condition is None else describe_condition(condition)
        machine.add_transition(f"{rank[question.id]}. {when}", question.id, dest)
    graph = machine.model.get_graph()  # type: ignore[attr-defined]
    return graph.draw(None)
