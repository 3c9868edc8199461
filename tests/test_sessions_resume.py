"""Resuming: the same tree gives back the same engine; a changed tree flags what no longer fits."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEMO_TREE
from test_sessions import DEMO_ANSWERS, record_demo
from wizard.engine.engine import Engine
from wizard.export import render
from wizard.sessions import SessionError, SessionRecorder, SessionStore, resume_engine, session_transcript
from wizard.tree.loader import load_tree


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions")


def changed_tree(tmp_path: Path, *edits: tuple[str, str]):
    text = DEMO_TREE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "demo_v2.toml"
    path.write_text(text.replace('version = "1.0.0"', 'version = "2.0.0"'), encoding="utf-8")
    return load_tree(path)


def test_same_tree_resumes_where_it_stopped(store):
    session, engine = record_demo(store, answers=DEMO_ANSWERS[:3])
    saved = store.load(session.id)
    resumed, flags = resume_engine(saved, load_tree(DEMO_TREE))
    assert flags == []
    assert resumed.path == engine.path
    assert resumed.current.id == "weeks"
    assert saved.updated == session.updated  # nothing changed, so nothing to save


def test_pending_answers_survive_a_resume(store):
    session, engine = record_demo(store, answers=DEMO_ANSWERS[:3])
    with SessionRecorder(store, session) as recorder:
        engine.change("region", "thoracic")
        engine.change("region", "low_back")
        recorder.answered(engine)
    saved = store.load(session.id)
    resumed, flags = resume_engine(saved, load_tree(DEMO_TREE))
    assert flags == []
    assert [s.answer for s in resumed.path] == [s.answer for s in engine.path]
    assert [s.question for s in resumed.pending] == [s.question for s in engine.pending]


def test_a_removed_question_is_flagged_not_dropped(store, tmp_path):
    session, _ = record_demo(store)
    tree = changed_tree(tmp_path, ('id = "chronic"', 'id = "chronicity"'), ("when = { chronic = ", "when = { chronicity = "))
    saved = store.load(session.id)
    engine, flags = resume_engine(saved, tree)
    assert [(f.question, f.reason) for f in flags] == [("chronic", "unknown_question")]
    assert "no longer has the question 'chronic'" in flags[0].message
    assert flags[0].answer == "yes" and flags[0].prompt == "Is the pain documented as chronic?"
    assert engine.current.id == "chronicity"
    assert saved.status == "in_progress"
    assert saved.flagged == flags
    assert saved.tree.sha256 == tree.sha256 and saved.tree.version == "2.0.0"
    assert [a.question for a in saved.answers] == ["region", "injury", "pregnant", "weeks"]


def test_an_answer_out_of_the_new_range_is_flagged_and_asked_again(store, tmp_path):
    session, _ = record_demo(store)
    tree = changed_tree(tmp_path, ("number = { min = 1, max = 45", "number = { min = 1, max = 19"))
    engine, flags = resume_engine(store.load(session.id), tree)
    assert [(f.question, f.reason) for f in flags] == [("weeks", "invalid_answer")]
    assert "from 1 to 19" in flags[0].message
    assert engine.current.id == "weeks"
    assert [s.question for s in engine.pending] == ["chronic"]


def test_a_question_no_longer_reached_is_flagged(store, tmp_path):
    session, _ = record_demo(store)
    tree = changed_tree(tmp_path, ('when = { region = "low_back" }\n\n[[questions]]\nid = "weeks"', 'when = { region = "thoracic" }\n\n[[questions]]\nid = "weeks"'))
    engine, flags = resume_engine(store.load(session.id), tree)
    assert sorted((f.question, f.reason) for f in flags) == [("pregnant", "not_reached"), ("weeks", "not_reached")]
    assert engine.finished
    assert engine.result().code_list == ["G89.29"]  # the demo lbp rule reads pregnant


def test_flags_are_saved_and_shown_in_every_export(store, tmp_path):
    session, _ = record_demo(store)
    tree = changed_tree(tmp_path, ('id = "chronic"', 'id = "chronicity"'), ("when = { chronic = ", "when = { chronicity = "))
    saved = store.load(session.id)
    engine, flags = resume_engine(saved, tree)
    with SessionRecorder(store, saved) as recorder:
        assert recorder.save()
        engine.answer("no")
        recorder.answered(engine)
    again = store.load(session.id)
    assert [f.question for f in again.flagged] == ["chronic"]
    assert again.status == "complete"
    transcript = session_transcript(again)
    assert "Answers set aside" in render(transcript, "text")
    assert "## Answers set aside" in render(transcript, "markdown")
    assert '"flagged": [' in render(transcript, "json")
    # A second resume on the same tree flags nothing new.
    _, more = resume_engine(again, tree)
    assert more == [] and len(again.flagged) == 1


def test_a_different_tree_is_refused(store, tmp_path):
    session, _ = record_demo(store)
    other = changed_tree(tmp_path, ('id = "demo"', 'id = "other"'))
    with pytest.raises(SessionError, match="made with tree 'demo'"):
        resume_engine(store.load(session.id), other)


def test_resumed_engine_uses_the_describer(store):
    from wizard.icd import load_tabular

    session, _ = record_demo(store)
    engine, _ = resume_engine(store.load(session.id), load_tree(DEMO_TREE), load_tabular())
    assert isinstance(engine, Engine)
    assert engine.result().codes[1].description == "Low back pain, unspecified"
