"""Exports of saved sessions: every format equals the direct export of the run, and FHIR validates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from conftest import DEMO_TREE
from test_sessions import DEMO_ANSWERS, demo_loaded, record_demo
from wizard.engine.engine import Engine
from wizard.export import FORMATS, render, transcript_from_engine
from wizard.export.fhir import DIAGNOSIS_ROLE, ICD10CM, PLACEHOLDER_PATIENT, check_patient_ref
from wizard.icd import load_tabular
from wizard.sessions import SessionRecorder, SessionStore, session_transcript


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions")


@pytest.fixture
def finished(store):
    """A finished demo session with a tick and an acknowledgement, and its engine."""
    session, engine = record_demo(store, describer=load_tabular())
    with SessionRecorder(store, session) as recorder:
        recorder.ticked("region", True)
        recorder.acknowledged("rule:chronic")
    return session, engine


def direct(session, engine):
    """The transcript the run itself gives, with the session's details."""
    loaded = demo_loaded()
    return transcript_from_engine(
        engine,
        sha256=loaded.sha256,
        path=str(loaded.path.absolute()),
        label=session.label,
        created=session.created,
        checked=frozenset(session.checked),
        acknowledged=frozenset(session.acknowledged),
        session_id=session.id,
        updated=session.updated,
        answered_at=tuple(a.at for a in session.answers),
    )


def fhir_resources(text: str) -> dict[str, list]:
    bundle = Bundle.model_validate_json(text)
    found: dict[str, list] = {}
    for entry in bundle.entry:
        found.setdefault(entry.resource.get_resource_type(), []).append(entry.resource)
    return found


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_of_a_saved_session_equals_the_direct_export(store, finished, fmt):
    session, engine = finished
    loaded = store.load(session.id)
    assert render(session_transcript(loaded), fmt) == render(direct(loaded, engine), fmt)


def test_json_export_parses_back_with_the_whole_session(store, finished):
    session, _ = finished
    data = json.loads(render(session_transcript(store.load(session.id)), "json"))
    assert data["session_id"] == session.id and data["label"] == "bay 3"
    assert [c["code"] for c in data["codes"]] == ["O26.892", "M54.50", "G89.29"]
    assert [c["sequence"] for c in data["codes"]] == [1, 2, 3]
    assert data["codes"][1]["description"] == "Low back pain, unspecified"
    assert [p["answer"] for p in data["path"]] == list(DEMO_ANSWERS)
    assert all("at" in p for p in data["path"])
    assert {i["id"]: i["checked"] for i in data["checklist"]}["region"] is True
    assert data["warnings"][0]["acknowledged"] is True
    assert data["tree"]["sha256"] == demo_loaded().sha256
    assert data["updated"] and data["flagged"] == []


def test_text_export_is_wrapped_at_72_and_lists_what_is_open(store):
    session, _ = record_demo(store, label="a label " + "long" * 40, describer=load_tabular())
    text = render(session_transcript(store.load(session.id)), "text")
    assert all(len(line) <= 72 for line in text.splitlines())
    for needed in ("Date: ", "Label: a label", "Tree: Demo tree (demo v1.0.0)", "FY2026", f"Session: {session.id}"):
        assert needed in text
    assert text.index("O26.892") < text.index("M54.50") < text.index("G89.29")
    assert "Low back pain, unspecified" in text
    assert "Weeks of gestation? 20 weeks" in text
    assert "[ ] Document the region." in text and "Open checklist items: 3" in text


def test_markdown_export_has_tables_and_escapes_pipes(store):
    session, _ = record_demo(store, label="bay | 3")
    text = render(session_transcript(store.load(session.id)), "markdown")
    assert "| # | Code | Description | Role | Reason |" in text
    assert "bay \\| 3" in text
    assert "| Weeks of gestation? | 20 weeks |" in text


def test_fhir_bundle_validates_and_carries_codes_in_order(store, finished):
    session, _ = finished
    text = render(session_transcript(store.load(session.id)), "fhir")
    resources = fhir_resources(text)
    assert Bundle.model_validate_json(text).type == "collection"
    conditions = resources["Condition"]
    assert [c.code.coding[0].code for c in conditions] == ["O26.892", "M54.50", "G89.29"]
    assert all(c.code.coding[0].system == ICD10CM for c in conditions)
    assert conditions[1].code.coding[0].display == "Low back pain, unspecified"
    assert all(not c.extension for c in conditions)  # the order is where FHIR keeps it: Encounter.diagnosis
    entries = Bundle.model_validate_json(text).entry
    condition_urls = [e.fullUrl for e in entries if e.resource.get_resource_type() == "Condition"]
    [(encounter_url, encounter)] = [(e.fullUrl, e.resource) for e in entries if e.resource.get_resource_type() == "Encounter"]
    assert [d.condition.reference for d in encounter.diagnosis] == condition_urls  # in reporting order
    assert [d.rank for d in encounter.diagnosis] == [1, 2, 3]
    assert all((d.use.coding[0].system, d.use.coding[0].code) == (DIAGNOSIS_ROLE, "billing") for d in encounter.diagnosis)
    assert encounter.status == "finished" and all(c.encounter.reference == encounter_url for c in conditions)
    assert conditions[0].note[0].text.startswith("Reporting sequence 1 of 3 (first-listed)")
    category = conditions[0].category[0].coding[0]
    assert (category.system, category.code) == ("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis")
    assert all(c.subject.reference == PLACEHOLDER_PATIENT and "PLACEHOLDER" in c.subject.display for c in conditions)
    assert all(c.verificationStatus is None for c in conditions)

    (response,) = resources["QuestionnaireResponse"]
    assert response.status == "completed"
    assert [i.linkId for i in response.item] == ["region", "injury", "pregnant", "weeks", "chronic"]
    assert response.item[0].answer[0].valueCoding.code == "low_back"
    assert response.item[0].answer[0].valueCoding.display == "Low back"
    assert response.item[3].answer[0].valueInteger == 20

    (provenance,) = resources["Provenance"]
    bundle = Bundle.model_validate_json(text)
    assert [t.reference for t in provenance.target] == [e.fullUrl for e in bundle.entry[:-1]]
    names = " ".join(e.what.display for e in provenance.entity) + provenance.agent[0].who.display
    assert "wizard 0.1.0" in names and "demo v1.0.0" in names and demo_loaded().sha256 in names and "ICD-10-CM FY2026" in names


def test_fhir_export_is_stable_and_takes_a_patient_reference(store, finished):
    session, _ = finished
    transcript = session_transcript(store.load(session.id))
    assert render(transcript, "fhir") == render(transcript, "fhir")
    text = render(transcript, "fhir", patient_ref="Patient/123")
    resources = fhir_resources(text)
    assert {c.subject.reference for c in resources["Condition"]} == {"Patient/123"}
    assert resources["Condition"][0].subject.display is None
    assert resources["QuestionnaireResponse"][0].subject.reference == "Patient/123"


@pytest.mark.parametrize("good", ["Patient/123", "Patient/a-b.c", "https://ehr.example.org/fhir/Patient/9", "urn:uuid:0b2e9a3e-1a5b-4c1e-9f0a-2b3c4d5e6f70"])
def test_good_patient_references(good):
    assert check_patient_ref(good) == good


@pytest.mark.parametrize("bad", ["", "123", "Patient/", "Patient/a b", "Observation/1", "Patient/" + "x" * 65, "javascript:alert(1)"])
def test_bad_patient_references_are_refused(bad):
    with pytest.raises(ValueError, match="Patient/ID"):
        check_patient_ref(bad)


def test_fhir_export_of_an_unfinished_session_is_provisional(store):
    session, _ = record_demo(store, answers=DEMO_ANSWERS[:3])
    resources = fhir_resources(render(session_transcript(store.load(session.id)), "fhir"))
    assert resources["QuestionnaireResponse"][0].status == "in-progress"
    assert all(c.verificationStatus.coding[0].code == "provisional" for c in resources.get("Condition", []))


def test_fhir_export_of_a_stopped_run_has_no_conditions(store):
    loaded = demo_loaded()
    engine = Engine(loaded.tree)
    engine.answer("elsewhere")
    resources = fhir_resources(render(transcript_from_engine(engine, sha256=loaded.sha256), "fhir"))
    assert "Condition" not in resources
    assert resources["QuestionnaireResponse"][0].status == "completed"
    assert [t.reference for t in resources["Provenance"][0].target] != []


def test_fhir_export_of_a_run_without_a_session_is_stable(tmp_path):
    loaded = demo_loaded()
    engine = Engine(loaded.tree)
    for answer in DEMO_ANSWERS:
        engine.answer(answer)
    from datetime import datetime, timezone

    when = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    transcript = transcript_from_engine(engine, sha256=loaded.sha256, created=when)
    assert render(transcript, "fhir") == render(transcript, "fhir")
    assert Bundle.model_validate_json(render(transcript, "fhir")).timestamp.year == 2026


def test_exports_do_not_need_the_tree_file(store, tmp_path):
    tree_copy = tmp_path / "demo.toml"
    tree_copy.write_bytes(DEMO_TREE.read_bytes())
    from wizard.tree.loader import load_tree

    loaded = load_tree(tree_copy)
    engine = Engine(loaded.tree)
    session = store.new(loaded)
    with SessionRecorder(store, session) as recorder:
        for answer in DEMO_ANSWERS:
            engine.answer(answer)
            recorder.answered(engine)
    tree_copy.unlink()
    for fmt in FORMATS:
        assert "G89.29" in render(session_transcript(store.load(session.id)), fmt)


def _shipped_cases():
    from conftest import REPO, SHIPPED_TREE

    cases = REPO / "tests" / "cases" / "lbp_cases.toml"
    if not (SHIPPED_TREE.is_file() and cases.is_file()):
        return []
    import tomllib

    return tomllib.loads(cases.read_text(encoding="utf-8"))["case"]


@pytest.mark.skipif(not _shipped_cases(), reason="the shipped tree or its cases are not there yet")
def test_shipped_tree_cases_save_and_export_as_valid_fhir(store):
    from conftest import SHIPPED_TREE
    from wizard.engine.headless import walk
    from wizard.tree.loader import load_tree

    loaded = load_tree(SHIPPED_TREE)
    tabular = load_tabular()
    for case in _shipped_cases():
        engine = Engine(loaded.tree, tabular)
        assert walk(engine, case["answers"]) is None, case["id"]
        session = store.new(loaded, label=case["id"])
        with SessionRecorder(store, session) as recorder:
            assert recorder.answered(engine)
        text = render(session_transcript(store.load(session.id)), "fhir")
        codes = [c.code.coding[0].code for c in fhir_resources(text).get("Condition", [])]
        assert codes == engine.result().code_list, case["id"]


def test_a_transaction_bundle_posts_every_resource_and_keeps_the_references(store, finished):
    """What a site sends to its own FHIR server as one unit: validated by the R4B models, each
    entry a POST of its resource type under a urn:uuid fullUrl, no ids (the server names them),
    and every reference between entries pointing at one of those fullUrls."""
    session, _ = finished
    transcript = session_transcript(store.load(session.id))
    bundle = Bundle.model_validate_json(render(transcript, "fhir", patient_ref="Patient/42", bundle_type="transaction"))
    assert bundle.type == "transaction"
    urls = [entry.fullUrl for entry in bundle.entry]
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert all((entry.request.method, entry.request.url) == ("POST", entry.resource.get_resource_type()) for entry in bundle.entry)
    assert all(entry.resource.id is None for entry in bundle.entry)
    text = bundle.model_dump_json()
    referenced = set(re.findall(r'"reference":"(urn:uuid:[^"]+)"', text))
    assert referenced and referenced <= set(urls)
    [encounter] = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Encounter"]
    assert [d.rank for d in encounter.diagnosis] == [1, 2, 3]
    collection = Bundle.model_validate_json(render(transcript, "fhir", patient_ref="Patient/42"))
    assert collection.type == "collection" and all(e.request is None and e.resource.id for e in collection.entry)


def test_a_transaction_needs_the_real_subject_and_fhir(tmp_path, capsys):
    from wizard.cli import main

    answers = tmp_path / "answers.toml"
    answers.write_text('[answers]\nregion = "low_back"\npregnant = "no"\nchronic = "no"\n', encoding="utf-8")
    base = ["run", "--tree", str(DEMO_TREE), "--answers", str(answers)]
    assert main([*base, "--format", "fhir", "--bundle-type", "transaction"]) == 2
    assert "needs the real subject. Fix: add --patient-ref" in capsys.readouterr().err
    assert main([*base, "--bundle-type", "transaction"]) == 2
    assert "--bundle-type is the type of a FHIR bundle" in capsys.readouterr().err
    assert main([*base, "--format", "fhir", "--bundle-type", "transaction", "--patient-ref", "Patient/7"]) == 0
    assert Bundle.model_validate_json(capsys.readouterr().out).type == "transaction"
