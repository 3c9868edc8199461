"""FHIR R4 export: a Bundle built and validated with the fhir.resources R4B models.

The Bundle holds, in this order:

* one Condition per code, in reporting order: `code.coding` is ICD-10-CM
  (`http://hl7.org/fhir/sid/icd-10-cm`, dotted code, the official description as display,
  the release the code was checked against as version), category `encounter-diagnosis`,
  `encounter` the Encounter below, and a note with its place, its role and the reason;
* a QuestionnaireResponse with the answered path (option answers as valueCoding with the
  option id as code and the label as display, numbers as valueInteger; a question with several
  answers has one answer per option chosen, and none when none was);
* the Encounter: its period is the date of service (start and end that day), status finished
  (in-progress while the tree is not done), class ambulatory (the tree codes outpatient
  encounters, Guidelines section IV), and the reporting order where FHIR keeps it,
  `Encounter.diagnosis`: each Condition with `rank` (1 = first-listed) and `use` billing
  (diagnosis-role);
* a Provenance whose targets are all of the above, naming the app and its version, the
  tree (id, version, sha256), the ICD-10-CM release the codes were checked against and the
  one in force on the date of service (or that it was not installed).

The subject is the placeholder `Patient/example`, marked as such in its display, unless a
patient reference is given. Entry ids are UUIDs derived from the session (or the run), so
exporting the same session twice gives the same bundle.

BUNDLE_TYPES: a `collection` (the default: a document to keep or read), or a `transaction`
that a site can send to its own FHIR server as one unit (POST the bundle to the server's
base URL): each entry then has its `urn:uuid:` fullUrl, no id (the server assigns them and
rewrites the references between entries) and a `request` to POST it. wizard only writes the
file; it never opens a connection.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timezone

from fhir.resources.R4B.bundle import Bundle

from wizard.engine.coder import member_labels
from wizard.engine.engine import Step
from wizard.export.transcript import Transcript
from wizard.text import json_safe

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DIAGNOSIS_ROLE = "http://terminology.hl7.org/CodeSystem/diagnosis-role"
BUNDLE_TYPES = ("collection", "transaction")
PLACEHOLDER_PATIENT = "Patient/example"
PLACEHOLDER_DISPLAY = "PLACEHOLDER patient: no patient was identified; replace this reference before filing"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:wizard-lbp:fhir-export")

_FHIR_ID = r"[A-Za-z0-9\-.]{1,64}"
_PATIENT_REF = re.compile(
    rf"^(?:(?:https?://[^\s/]+(?:/[^\s/]+)*/)?(?:Patient|Group)/{_FHIR_ID}(?:/_history/{_FHIR_ID})?"
    r"|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)


def check_patient_ref(text: str) -> str:
    """A FHIR reference to the subject: Patient/ID, a full URL ending in Patient/ID, or urn:uuid:..."""
    text = text.strip()
    if not _PATIENT_REF.fullmatch(text):
        raise ValueError(
            f"'{text}' is not a patient reference; give Patient/ID (ID: letters, digits, '-' and '.', "
            "at most 64), a full URL ending in Patient/ID, or urn:uuid:..."
        )
    return text


def render_fhir(t: Transcript, patient_ref: str | None = None, bundle_type: str = "collection") -> str:
    from pydantic import ValidationError

    from wizard.export import ExportError

    try:
        bundle = build_bundle(t, patient_ref, bundle_type)
    except ValidationError as error:
        # Codes and ids are never altered to fit: say which value FHIR refuses.
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        why = "empty, or spaces at an end or two in a row" if first["type"] == "string_pattern_mismatch" else first["msg"]
        raise ExportError(
            f"cannot be written as a FHIR R4 bundle: {where} would be {first.get('input')!r}, which FHIR refuses "
            f"({why}). Fix: export it as json or text, or correct that value in the session file"
        ) from None
    # As in the json export: the data is kept, and nothing in it can act on a terminal.
    return json_safe(bundle.model_dump_json(indent=2)) + "\n"


def build_bundle(t: Transcript, patient_ref: str | None = None, bundle_type: str = "collection") -> Bundle:
    """The Bundle for a transcript, validated by the R4B models as it is built."""
    if bundle_type not in BUNDLE_TYPES:
        raise ValueError(f"unknown bundle type '{bundle_type}'; choose one of: {', '.join(BUNDLE_TYPES)}")
    when = (t.updated or t.created or datetime.now(timezone.utc)).isoformat()
    key = t.session_id or _run_key(t)

    def urn(part: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{key}/{part}')}"

    if patient_ref:
        subject = {"reference": check_patient_ref(patient_ref)}
    else:
        subject = {"reference": PLACEHOLDER_PATIENT, "display": PLACEHOLDER_DISPLAY}
    encounter = urn("encounter")
    conditions = [urn(f"condition/{n}") for n in range(1, len(t.result.codes) + 1)]
    entries = [(url, _condition(t, n, subject, when, encounter)) for n, url in enumerate(conditions, 1)]
    entries.append((urn("questionnaire-response"), _questionnaire_response(t, subject, when)))
    entries.append((encounter, _encounter(t, subject, conditions)))
    entries.append((urn("provenance"), _provenance(t, [url for url, _ in entries], when)))
    bundle = {
        "resourceType": "Bundle",
        "id": urn("bundle").removeprefix("urn:uuid:"),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": urn("bundle")},
        "type": bundle_type,
        "timestamp": when,
        "entry": [_entry(url, resource, bundle_type) for url, resource in entries],
    }
    return Bundle.model_validate(bundle)


def _entry(url: str, resource: dict, bundle_type: str) -> dict:
    """A collection keeps each resource's id; a transaction POSTs it and lets the server name it."""
    if bundle_type == "transaction":
        return {"fullUrl": url, "resource": resource, "request": {"method": "POST", "url": resource["resourceType"]}}
    return {"fullUrl": url, "resource": dict(resource, id=url.removeprefix("urn:uuid:"))}


def _run_key(t: Transcript) -> str:
    """A stable key for a run that has no session id: the tree and the answers."""
    text = "|".join([t.tree.sha256, t.tree.id, t.result.date_of_service, *(f"{s.question}={s.answer}" for s in t.path)])
    return hashlib.sha256(text.encode()).hexdigest()


def _encounter(t: Transcript, subject: dict, conditions: list[str]) -> dict:
    encounter = {
        "resourceType": "Encounter",
        "status": "finished" if t.result.complete else "in-progress",
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "subject": subject,
    }
    if t.result.date_of_service:
        encounter["period"] = {"start": t.result.date_of_service, "end": t.result.date_of_service}
    billing = {"coding": [{"system": DIAGNOSIS_ROLE, "code": "billing", "display": "Billing"}]}
    if conditions:  # the reporting order: rank 1 is the first-listed code
        encounter["diagnosis"] = [{"condition": {"reference": url}, "use": billing, "rank": rank} for rank, url in enumerate(conditions, 1)]
    return encounter


def _condition(t: Transcript, sequence: int, subject: dict, when: str, encounter: str) -> dict:
    line = t.result.codes[sequence - 1]
    coding = {"system": ICD10CM, "code": line.code}
    if t.release:
        coding["version"] = t.release
    official = line.description and not line.description.startswith("(")
    if official:
        coding["display"] = line.description
    condition = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active", "display": "Active"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis", "display": "Encounter Diagnosis"}]}],
        "code": {"coding": [coding], "text": line.description if official else line.code},
        "subject": subject,
        "encounter": {"reference": encounter},
        "recordedDate": when,
        "note": [{"text": f"Reporting sequence {sequence} of {len(t.result.codes)} ({line.role}). Why: {line.reason_line()}"}],
    }
    if line.error:
        condition["note"].append({"text": f"Not valid on the date of service: {line.error}"})
    if not t.result.complete:
        # The tree was left before its end: the code set may still change.
        condition["verificationStatus"] = {"coding": [{"system": CONDITION_VERIFICATION, "code": "provisional", "display": "Provisional"}]}
    return condition


def _questionnaire_response(t: Transcript, subject: dict, when: str) -> dict:
    items = []
    for step in t.path:
        item = {"linkId": step.question} | ({"text": step.prompt} if step.prompt else {})
        answers = _answers(step)
        items.append(item | {"answer": answers} if answers else item)
    response = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed" if t.result.complete else "in-progress",
        "subject": subject,
        "authored": when,
    }
    if items:
        response["item"] = items
    return response


def _answers(step: Step) -> list[dict]:
    """The FHIR answers of one step: a number, an option, or one per option of a set."""
    if isinstance(step.answer, int):
        return [{"valueInteger": step.answer}]
    if isinstance(step.answer, tuple):
        # Each option chosen is an answer of its own; a set with none chosen has no answer.
        return [_coding(member, label) for member, label in zip(step.answer, member_labels(step.answer, step.label))]
    return [_coding(step.answer, step.label)]


def _coding(code: str, label: str) -> dict:
    # FHIR strings may not be empty: an empty label or prompt is left out, not sent as "".
    return {"valueCoding": {"code": code} | ({"display": label} if label else {})}


def _provenance(t: Transcript, targets: list[str], when: str) -> dict:
    tree = t.tree
    sha = f", sha256 {tree.sha256}" if tree.sha256 else ""
    return {
        "resourceType": "Provenance",
        "target": [{"reference": url} for url in targets],
        "recorded": when,
        "agent": [
            {
                "type": {"coding": [{"system": PARTICIPANT_TYPE, "code": "assembler", "display": "Assembler"}]},
                "who": {"display": f"wizard {t.app_version} (wizard-lbp, decision-tree ICD-10-CM coding assistant)"},
            }
        ],
        "entity": [
            {"role": "source", "what": {"display": f"Decision tree '{tree.title}' ({tree.id} v{tree.version}{sha})"}},
            {"role": "source", "what": {"display": f"ICD-10-CM {t.release}: the release the codes were checked against"}},
            *_in_force(t),
            *_from_note(t),
        ],
    }


def _from_note(t: Transcript) -> list[dict]:
    """Which answers were read from the provider's note, and whether a person confirmed them."""
    from wizard.export.transcript import FROM_NOTE, NOTE_CONFIRMED

    entities = []
    for kind, said in ((NOTE_CONFIRMED, "confirmed by the clinician"), (FROM_NOTE, "not confirmed by a person")):
        questions = [s.question for s in t.path if t.origin_of(s.question).kind == kind]
        if questions:
            entities.append({"role": "source", "what": {"display": f"The provider's note: the answers to {', '.join(questions)} were read from it, {said}"}})
    return entities

def _in_force(t: Transcript) -> list[dict]:
    """What the Provenance says of the release in force on the date of service."""
    day, in_force = t.result.date_of_service, t.result.release_in_force
    if not day:
        return []
    said = f"ICD-10-CM {in_force}: the release in force on the date of service {day}" if in_force else (
        f"The ICD-10-CM release in force on the date of service {day} was not installed; the codes were checked against {t.release}"
    )
    return [{"role": "source", "what": {"display": said}}]
