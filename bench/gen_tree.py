"""Generate a large, realistic tree for the scale benchmark and tests/test_scale.py.

The shape follows the shipped tree, repeated: a first question whose every answer gives a
code (so no path ends empty), an encounter question that sets a 7th character, then sections.
Each section opens with a question that is always asked ("is X present?"); its follow-ups are
asked only when X is present, some only after a given answer to an earlier follow-up, some
only when the previous section's finding was severe; one section in eight asks a number. Most
follow-ups have a rule, reading a few answers through the section's named condition, a few a
second one for a severe finding; one section in six codes an injury with a 7th-character
template; one section in forty can end the tree with a stop. Text is short (a 20,000-question
tree is about 7 MB, under the loader's 8 MiB limit): the benchmark is about structure.

Codes are billable FY2026 codes picked from the packaged ICD-10-CM data file, none of them
named by another's Excludes1 notes, so a generated tree lints clean.

    python -m bench.gen_tree --questions 5000 --out /tmp/tree_5000.toml
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

SITES = ["left", "right", "bilateral", "unspecified"]
ANSWERS = ["yes", "no", "unknown"]


@dataclass
class Codes:
    """Billable codes without an Excludes1 conflict among them, and 7th-character bases."""

    plain: list[str]
    injury: list[str]  # bases that take A, D and S as 7th character, no placeholder needed


def pick_codes(count: int, injuries: int, seed: int = 0) -> Codes:
    """Billable codes from the real tabular, none conflicting with another (Excludes1)."""
    from wizard.icd import load_tabular

    tab = load_tabular()
    rnd = random.Random(seed)
    all_codes = list(tab)
    plain_candidates = [c for c in all_codes if len(c) > 4 and c[0] in "ABCDEFGHIJKLMNPQRZ" and "." in c]
    rnd.shuffle(plain_candidates)
    plain = [c for c in plain_candidates[: count * 6] if tab.is_billable(c)]
    injury_candidates = [c for c in all_codes if c[0] == "S" and len(c) == 7 and "." in c]
    rnd.shuffle(injury_candidates)
    bases = []
    for code in injury_candidates:
        if len(bases) >= injuries * 3:
            break
        if tab.check_billable(code) is None or "X" in code:
            continue
        if all(tab.is_billable(code + char) for char in "ADS"):
            bases.append(code)
    # Keep a code only if nothing kept so far conflicts with it (or with its 7th-character codes).
    candidates = [*bases, *plain]
    expanded = {code: [code + c for c in "ADS"] if code in bases else [code] for code in candidates}
    partners = tab.excludes1_partners([c for codes in expanded.values() for c in codes])
    kept: set[str] = set()
    chosen_plain: list[str] = []
    chosen_injury: list[str] = []
    for code in candidates:
        mine = expanded[code]
        if any(partners[c] & kept for c in mine):
            continue
        if code in bases and len(chosen_injury) < injuries:
            chosen_injury.append(code)
        elif code not in bases and len(chosen_plain) < count:
            chosen_plain.append(code)
        else:
            continue
        kept.update(mine)
    if len(chosen_plain) < count or len(chosen_injury) < injuries:
        raise SystemExit(f"found only {len(chosen_plain)} codes and {len(chosen_injury)} injury bases")
    return Codes(chosen_plain, chosen_injury)


@dataclass
class Tree:
    """The parts of a tree, written out by `render`."""

    questions: list[dict] = field(default_factory=list)
    conditions: dict[str, dict] = field(default_factory=dict)
    rules: list[dict] = field(default_factory=list)
    stops: list[dict] = field(default_factory=list)


def generate(questions: int, seed: int = 0, codes: Codes | None = None) -> str:
    """The TOML text of a tree with exactly `questions` questions."""
    if questions < 4:
        raise ValueError("a generated tree has at least 4 questions")
    rnd = random.Random(seed)
    sections = max(1, questions // 8)
    codes = codes or pick_codes(count=min(600, 4 * sections + 8), injuries=min(40, sections // 6 + 1), seed=seed)
    tree = Tree()
    _opening(tree, codes)
    index = 0
    while len(tree.questions) < questions:
        room = questions - len(tree.questions)
        size = min(room, rnd.randint(4, 12))
        _section(tree, rnd, codes, index, size)
        index += 1
    return render(tree, questions, seed)


def _opening(tree: Tree, codes: Codes) -> None:
    visits = ["new_problem", "follow_up", "screening", "other"]
    tree.questions.append(_question("visit", "What brings the patient in?", visits))
    for n, visit in enumerate(visits):
        tree.rules.append(_rule(f"visit_{visit}", codes.plain[n], "visit", {"visit": visit}))
    tree.questions.append(_question("encounter", "Which encounter is this for an injury?", ["initial", "subsequent", "sequela"]))


def _section(tree: Tree, rnd: random.Random, codes: Codes, index: int, size: int) -> None:
    name = f"s{index}"
    present = f"{name}_present"
    options = ["absent", "present", "severe"]
    has_stop = index % 40 == 39
    if has_stop:
        options.append("refer")
        tree.stops.append({"id": f"{name}_refer", "when": {present: "refer"}, "message": f"Finding {index} needs a specialist; this tree does not code it.", "cite": ["GL I.A.19"]})
    tree.questions.append(_question(present, f"Is finding {index} present?", options))
    on = f"{name}_on"
    tree.conditions[on] = {present: ["present", "severe"]}
    follow_ups: list[tuple[str, list[str]]] = []
    for n in range(1, size):
        qid = f"{name}_q{n}"
        when: dict = {"is": on}
        if follow_ups and rnd.random() < 0.3:
            earlier, answers = rnd.choice(follow_ups)
            when[earlier] = answers[0]
        elif index > 0 and rnd.random() < 0.1:
            when[f"s{index - 1}_present"] = "severe"
        if index % 8 == 3 and n == 1:
            tree.questions.append(_question(qid, f"How many weeks has finding {index} lasted?", [], when, number=(1, 52)))
            tree.rules.append(_rule(f"{qid}_acute", rnd.choice(codes.plain), "diagnosis", {"is": on, qid: {"min": 1, "max": 6}}))
            tree.rules.append(_rule(f"{qid}_chronic", rnd.choice(codes.plain), "diagnosis", {"is": on, qid: {"min": 7}}))
            continue
        answers = SITES if rnd.random() < 0.3 else ANSWERS
        tree.questions.append(_question(qid, f"Finding {index}: detail {n}?", answers, when))
        follow_ups.append((qid, answers))
        if rnd.random() < 0.3:
            continue  # a question that only decides what is asked next
        rule_when = {**when, qid: answers[0]}
        tree.rules.append(_rule(f"{qid}_{answers[0]}", rnd.choice(codes.plain), "diagnosis", rule_when))
        if rnd.random() < 0.2:
            tree.rules.append(_rule(f"{qid}_severe", rnd.choice(codes.plain), "status", {**rule_when, present: "severe"}))
    if index % 6 == 5 and follow_ups:
        qid, answers = follow_ups[0]
        base = codes.injury[index % len(codes.injury)]
        tree.rules.append(_rule(f"{name}_injury", base + "{seventh}", "injury", {"is": on, qid: answers[0]}))


def _question(qid: str, prompt: str, options: list[str], when: dict | None = None, number: tuple[int, int] | None = None) -> dict:
    question: dict = {"id": qid, "prompt": prompt, "help": "Generated."}
    if options:
        question["options"] = [{"id": o, "label": o.replace("_", " ").capitalize()} for o in options]
    if number:
        question["number"] = {"min": number[0], "max": number[1], "unit": "weeks"}
    if when:
        question["when"] = when
    return question


def _rule(rid: str, code: str, slot: str, when: dict) -> dict:
    return {"id": rid, "code": code, "slot": slot, "when": when, "reason": "Generated.", "cite": [f"TAB {code.split('{')[0]}"]}


def render(tree: Tree, questions: int, seed: int) -> str:
    out = [
        f"# Generated by bench/gen_tree.py: {questions} questions, seed {seed}. Not clinical content.",
        "[tree]",
        f'id = "generated_{questions}"',
        f'title = "Generated tree ({questions} questions)"',
        'version = "1.0.0"',
        'icd10cm_release = "FY2026"',
        'scope = "Scale benchmark only."',
        "",
        "[conditions]",
        *(f"{name} = {_toml(value)}" for name, value in tree.conditions.items()),
        "",
        "[[values]]",
        'id = "seventh"',
        'from = "encounter"',
        'map = { initial = "A", subsequent = "D", sequela = "S" }',
        "",
    ]
    for question in tree.questions:
        out += ["[[questions]]", *(f"{key} = {_toml(value)}" for key, value in question.items()), ""]
    for slot, role in (("visit", "diagnosis"), ("diagnosis", "diagnosis"), ("injury", "diagnosis"), ("status", "status")):
        out += ["[[sequence]]", f'id = "{slot}"', f'role = "{role}"', ""]
    for stop in tree.stops:
        out += ["[[stops]]", *(f"{key} = {_toml(value)}" for key, value in stop.items()), ""]
    for rule in tree.rules:
        out += ["[[rules]]", *(f"{key} = {_toml(value)}" for key, value in rule.items()), ""]
    return "\n".join(out)


def _toml(value: object) -> str:
    """A TOML value on one line: strings, whole numbers, arrays and inline tables."""
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string, for the ASCII text written here
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_toml(v)}" for key, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r}")


def write(questions: int, out: Path, seed: int = 0) -> Path:
    out.write_text(generate(questions, seed), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write here (default: stdout)")
    args = parser.parse_args(argv)
    text = generate(args.questions, args.seed)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
