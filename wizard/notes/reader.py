"""medspaCy over a note: where the tree's cues are mentioned, and how (ConText).

One pipeline per set of cues, built the first time a note is read with them: the note is split
into sentences, medspaCy's target matcher finds every cue (phrases on lower-cased words, `re:`
cues as regular expressions) and its ConText reads each mention as affirmed, negated,
possible, historical, hypothetical or of the family, within its sentence. Mentions may overlap
("chronic" inside "chronic pain syndrome", a side inside a radiating phrase): each question
keeps the longest of its own overlapping mentions.

The sentences are spaCy's rule-based sentencizer's, with every line break a boundary too:
clinical notes are written in lines ("Exam: ...", "Assessment: ..."), and a heading or a list
line is a sentence of its own. A line break inside a sentence, as a note wrapped at a fixed
width has, is read as a space first (`unwrap`): "Denies fever, chills or" / "weight loss" is one
sentence, and the weight loss is denied. medspaCy's PyRuSH splits the same notes into the same sentences
(325 against 326 on 2,000 words of the case library) but takes 0.9 s over a 2,000-word note,
against 0.05 s: three times the whole budget of a reading (bench/notes.py).

Importing this module is cheap; medspaCy and spaCy load in :func:`load_pipeline`. Their log
output never reaches the terminal.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from wizard.notes import INSTALL_HINT, NotesUnavailable
from wizard.record import record
from wizard.tree.models import NUMBER_CUES, cue_pattern

if TYPE_CHECKING:
    from wizard.tree.models import Tree

# How ConText read a mention, from the strongest reason not to take it as stated.
FAMILY, HYPOTHETICAL, NEGATED, POSSIBLE, HISTORICAL, AFFIRMED = "family", "hypothetical", "negated", "possible", "historical", "affirmed"
CONTEXTS = (FAMILY, HYPOTHETICAL, NEGATED, POSSIBLE, HISTORICAL, AFFIRMED)
# What a cue belongs to.
OPTION, SUBJECT, DENIED, NUMBER, CHECKLIST = "option", "subject", "denied", "number", "checklist"
# A quote shown with a suggestion is the mention's sentence, cut to this many characters.
SENTENCE_SHOWN = 240


@record
class Target:
    """One cue of the tree: what it belongs to, and the cue itself."""

    kind: str  # OPTION, SUBJECT, DENIED, NUMBER or CHECKLIST
    owner: str  # the question id, or the checklist item id
    option: str | None  # for OPTION cues
    cue: str


@record
class Mention:
    """A cue found in the note: where (character offsets), how ConText read it, and its sentence."""

    target: Target
    start: int
    end: int
    quote: str
    context: str
    sentence: str
    number: int | None = None  # for NUMBER cues: the number the pattern's first group holds


def targets(tree: Tree) -> list[Target]:
    """Every cue of the tree, in the order the tree writes them."""
    found: list[Target] = []
    for question in tree.questions:
        for key, cues in question.cues.items():
            if key == NUMBER_CUES:
                found += [Target(NUMBER, question.id, None, cue) for cue in cues]
            else:
                found += [Target(OPTION, question.id, key, cue) for cue in cues]
        if question.read is not None:
            found += [Target(SUBJECT, question.id, None, cue) for cue in question.read.subject]
            found += [Target(DENIED, question.id, option, cue) for option, cues in question.read.denied.items() for cue in cues]
    for item in tree.checklist:
        found += [Target(CHECKLIST, item.id, None, cue) for cue in item.cues]
    return found


# Pipelines by the cues they find: a tree loaded again (lint loads each time) reuses its own.
_PIPELINES: dict[tuple[Target, ...], Any] = {}
_LOCK = threading.Lock()


def load_pipeline(tree: Tree) -> tuple[Any, list[Target]]:
    """The medspaCy pipeline for a tree's cues (built once per set of cues), and its targets by label."""
    tree_targets = targets(tree)
    key = tuple(tree_targets)
    with _LOCK:
        nlp = _PIPELINES.get(key)
        if nlp is None:
            nlp = _new_pipeline()
            _add_targets(nlp, tree_targets)
            _PIPELINES[key] = nlp
        return nlp, tree_targets


def _new_pipeline() -> Any:
    try:
        _quiet_logs()
        import medspacy  # noqa: F401 - registers the target matcher and ConText with spaCy
    except ImportError:
        raise NotesUnavailable(f"reading a note needs medspaCy, which is not installed. Fix: {INSTALL_HINT}") from None
    _register_components()
    nlp = _blank_nlp()
    # Semicolons end a clause with its own assertion in clinic notes ("no fever; weight loss").
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", ";"]})
    nlp.add_pipe(LINE_BREAKS)
    # Spans in a group rather than doc.ents: cues of different questions may overlap.
    nlp.add_pipe("medspacy_target_matcher", config={"result_type": "group", "prune": False, "span_group_name": SPANS})
    nlp.add_pipe(PATTERN_CUES)
    context = nlp.add_pipe("medspacy_context", config={"input_span_type": "group", "span_group_name": SPANS, "rules": None})
    context.add(_context_rules())
    return nlp


def _context_rules() -> list[Any]:
    """medspaCy's own ConText rules, with the few changes clinic notes need.

    * ': no' as medspaCy writes it negates what comes before a colon ("Fever: no"), and then
      wins over the 'no' after the colon: "MRI: no disc herniation" read the herniation as
      affirmed. It now needs the sentence to end there ("Fever: no." or "Fever: no,").
    * "with and without contrast" is a pseudo-negation: the "without" negates nothing.
    * Return precautions ("call at once for weakness", "seek care if fever") are hypothetical.
    * "... years ago" and "..., resolved" put what they follow in the past.
    """
    from medspacy.context import ConText, ConTextRule

    defaults = [rule for rule in ConText(_blank_nlp(), rules="default").rules if rule.literal != ": no"]
    extra = [
        ConTextRule(": no", "NEGATED_EXISTENCE", direction="BACKWARD", pattern=[{"ORTH": ":"}, {"LOWER": "no"}, {"IS_PUNCT": True}]),
        ConTextRule("with and without", "NEGATED_EXISTENCE", direction="PSEUDO", pattern=[{"LOWER": {"IN": ["with", "w/"]}}, {"LOWER": {"IN": ["and", "or", "/"]}}, {"LOWER": {"IN": ["without", "w/o"]}}]),
        ConTextRule("w/wo", "NEGATED_EXISTENCE", direction="PSEUDO", pattern=[{"LOWER": {"IN": ["w/wo", "with/without"]}}]),
        *(
            ConTextRule(phrase, "HYPOTHETICAL", direction="FORWARD")
            for phrase in (
                "call at once for", "call immediately for", "call for", "call if", "seek care for", "seek care if", "seek urgent care for",
                "return precautions", "warning signs", "watch for", "precautions for", "to the ED", "to the ER", "to the emergency department",
                "ED precautions", "ER precautions", "come back if", "come back for",
            )
        ),
        ConTextRule("years ago", "HISTORICAL", direction="BACKWARD", pattern=[{"LIKE_NUM": True}, {"LOWER": {"IN": ["year", "years", "yr", "yrs"]}}, {"LOWER": "ago"}], max_scope=8),
        ConTextRule("resolved", "HISTORICAL", direction="BACKWARD", pattern=[{"LOWER": {"IN": ["resolved", "healed", "recovered"]}}], max_scope=8),
    ]
    return defaults + extra


def _blank_nlp() -> Any:
    import spacy

    return spacy.blank("en")


LINE_BREAKS = "wizard_line_breaks"
PATTERN_CUES = "wizard_pattern_cues"
SPANS = "medspacy_spans"
CUE_LABELS = "wizard_cue_labels"


def _register_components() -> None:
    """Two spaCy components: line breaks as sentence starts, and the `re:` cues.

    The cues that are patterns are matched here, over the note's text once, rather than by
    medspaCy's regex matcher, which rebuilds the whole text for every pattern (a 2,000-word
    note took 0.3 s for the tree's 170 patterns, against a few milliseconds here). A match is
    widened to whole tokens, as medspaCy's is, and joins the span group ConText reads.
    """
    from spacy.language import Language
    from spacy.tokens import Span

    if LINE_BREAKS not in Language.factories:

        @Language.component(LINE_BREAKS)
        def line_breaks(doc: Any) -> Any:
            for token in doc[1:]:
                before = doc[token.i - 1]
                if "\n" in before.whitespace_ or "\n" in before.text:
                    token.is_sent_start = True
            return doc

    if PATTERN_CUES not in Language.factories:

        class PatternCues:
            def __init__(self) -> None:
                self.patterns: list[tuple[str, re.Pattern[str]]] = []

            def __call__(self, doc: Any) -> Any:
                text = doc.text
                labels: dict[tuple[int, int], list[str]] = {}
                for span in doc.spans.get(SPANS, []):
                    labels.setdefault((span.start, span.end), []).append(span.label_)
                for label, pattern in self.patterns:
                    for match in pattern.finditer(text):
                        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                        if span is not None and len(span):
                            labels.setdefault((span.start, span.end), []).append(label)
                # One span per stretch of words, however many cues found it: ConText weighs
                # every modifier against every span, so a span found by three cues cost thrice.
                doc.spans[SPANS] = [Span(doc, start, end, label="cue") for start, end in labels]
                doc.user_data[CUE_LABELS] = labels
                return doc

        Language.factory(PATTERN_CUES, func=lambda nlp, name: PatternCues())


def _quiet_logs() -> None:
    """PyRuSH logs each sentence through loguru, spaCy and medspaCy warn through logging and
    warnings: none of it is for a clinician's terminal."""
    import logging
    import warnings

    try:
        from loguru import logger

        logger.disable("PyRuSH")
    except ImportError:
        pass
    for name in ("medspacy", "PyRuSH", "spacy"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", module="medspacy")
    warnings.filterwarnings("ignore", module="spacy")
    warnings.filterwarnings("ignore", module="PyRuSH")


def _add_targets(nlp: Any, tree_targets: list[Target]) -> None:
    """Phrases to medspaCy's target matcher; patterns to the pattern component (see PATTERN_CUES)."""
    from medspacy.target_matcher import TargetRule

    phrases = [TargetRule(t.cue, str(index)) for index, t in enumerate(tree_targets) if cue_pattern(t.cue) is None]
    nlp.get_pipe("medspacy_target_matcher").add(phrases)
    patterns = [(str(index), re.compile(pattern, re.IGNORECASE)) for index, t in enumerate(tree_targets) if (pattern := cue_pattern(t.cue)) is not None]
    nlp.get_pipe(PATTERN_CUES).patterns = patterns


# The note goes through the pipeline in pieces of whole lines of about this many characters.
PIECE = 1000


# A line break inside a sentence, as a note wrapped at a fixed width has them: the line goes on
# without an end mark (. ! ? ; :) and the next begins in lower case ("denies fever, chills or" /
# "weight loss"), or the line ends with a word no sentence ends with ("return to the" / "ED for
# fever"). Every other line break ends a sentence (LINE_BREAKS). "no" is not such a word: in
# "Fever: no" / "Weight loss: yes" it ends its line's sentence.
_SOFT_WRAP = re.compile(
    r"(?:[^\s.!?;:](?=[ \t\r]*\n[ \t]*[a-z])"
    r"|(?<![\w-])(?i:the|an?|to|of|for|and|or|with|in|on|at|by|from|into|as|than)(?=[ \t\r]*\n[ \t]*\w))"
    r"[ \t\r]*\n"
)


def unwrap(text: str) -> str:
    """The note with each line break inside a sentence made a space: the same length, so every
    place in it is the same place in the note."""
    return _SOFT_WRAP.sub(lambda found: found.group(0)[:-1] + " ", text)


def read_note(tree: Tree, text: str) -> list[Mention]:
    """Every mention of the tree's cues in the note, in the order of the note."""
    nlp, tree_targets = load_pipeline(tree)
    mentions: list[Mention] = []
    pieces = list(line_pieces(unwrap(text)))
    for (offset, _), doc in zip(pieces, nlp.pipe(piece for _, piece in pieces)):
        labels = doc.user_data.get(CUE_LABELS, {})
        for span in doc.spans.get(SPANS, []):
            quote = text[offset + span.start_char : offset + span.end_char]  # the note's own words, its line breaks kept
            mentions += [_mention(span, tree_targets[int(label)], offset, quote) for label in labels.get((span.start, span.end), ())]
    kept = [m for m in _longest_per_owner(mentions) if m.target.kind != NUMBER or m.number is not None]
    return sorted(kept, key=lambda m: (m.start, m.end))


def line_pieces(text: str, size: int | None = None) -> Iterator[tuple[int, str]]:
    """The note in pieces of whole lines, about `size` characters each, with their offsets.

    Every line break left by `unwrap` starts a sentence (LINE_BREAKS) and a cue is found
    within its line, so a piece reads as the whole note does. ConText weighs every modifier of a text against every
    mention in it, sentence or not: a note read whole costs the square of its length (a
    2,000-word note, 0.6 s of its 0.8 s under a profiler), read in pieces its length.
    """
    size = size or PIECE
    start = 0
    while start < len(text):
        cut = text.rfind("\n", start, start + size) if start + size < len(text) else len(text) - 1
        if cut < start:  # one line longer than a piece: it is a piece of its own
            cut = text.find("\n", start + size)
            cut = len(text) - 1 if cut < 0 else cut
        yield start, text[start : cut + 1]
        start = cut + 1


def _mention(span: Any, target: Target, offset: int, quote: str) -> Mention:
    number = None
    if target.kind == NUMBER:
        found = re.search(cue_pattern(target.cue) or "", span.text, re.IGNORECASE)
        number = int(found.group(1)) if found and found.group(1) and found.group(1).isdigit() else None
    sentence = " ".join(span.sent.text.split())
    if len(sentence) > SENTENCE_SHOWN:
        sentence = sentence[: SENTENCE_SHOWN - 1] + "…"
    return Mention(target, offset + span.start_char, offset + span.end_char, quote, _context(span), sentence, number)


def _context(span: Any) -> str:
    attributes = span._
    if attributes.is_family:
        return FAMILY
    if attributes.is_hypothetical:
        return HYPOTHETICAL
    if attributes.is_negated:
        return NEGATED
    if attributes.is_uncertain:
        return POSSIBLE
    if attributes.is_historical:
        return HISTORICAL
    return AFFIRMED


def _longest_per_owner(mentions: list[Mention]) -> Iterator[Mention]:
    """Drop a mention that lies inside a longer mention of the same question or item."""
    by_owner: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_owner.setdefault(mention.target.owner, []).append(mention)
    for group in by_owner.values():
        for mention in group:
            inside = any(
                other is not mention and other.start <= mention.start and mention.end <= other.end and (other.end - other.start) > (mention.end - mention.start)
                for other in group
            )
            if not inside:
                yield mention
