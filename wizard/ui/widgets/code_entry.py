"""A code set typed by a trainee: every code checked against the tabular as it is typed, and
completions from the FY2026 descriptions in a list under the box.

The text is read as codes in order (commas or spaces between them, "none" for no code); the
words after the last code, when they are not codes, are a search of the descriptions
(`M54.50 chronic pa` offers G89.29 and its neighbours), and a code being typed is completed
from its prefix. A code the tabular does not bill (unknown, a header, a missing or wrong 7th
character) is shown with the tabular's own message and the set is not sent until it is fixed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

# A token that can only be meant as a code: a letter, a digit, then code characters.
CODE_SHAPE = re.compile(r"[A-Za-z][0-9][0-9A-Za-z.]*")
TOKEN = re.compile(r"[^,;\s]+")
NO_CODE = "none"
MIN_CODE_PREFIX = 2
MIN_WORDS = 3
# A code being typed is checked from its third character (a category); before that every
# code is "unknown", and finding what it may have meant reads the whole tabular.
MIN_CHECKED = 3
MAX_COMPLETIONS = 6
SEARCH_DELAY = 0.15  # seconds of no typing before the descriptions are searched


def is_code_token(text: str) -> bool:
    return bool(CODE_SHAPE.fullmatch(text)) or text.lower() == NO_CODE


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Entry:
    """What the box holds, read as codes, stray words and the text to complete."""

    codes: tuple[Token, ...]  # code-shaped tokens and "none", in order
    words: tuple[Token, ...]  # words before the last code that are not codes
    query: str  # the trailing description words, or the code being typed; "" for nothing
    query_start: int  # where a chosen completion replaces the text
    typing: bool  # the text does not end with a separator: its last token is unfinished

    @property
    def searching(self) -> bool:
        """The query is description words (not a code being typed)."""
        return bool(self.query) and not is_code_token(self.query)


def read_entry(text: str) -> Entry:
    tokens = [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
    typing = bool(tokens) and tokens[-1].end == len(text)
    split = len(tokens)
    while split > 0 and not is_code_token(tokens[split - 1].text):
        split -= 1
    head, tail = tokens[:split], tokens[split:]
    codes = tuple(t for t in head if is_code_token(t.text))
    words = tuple(t for t in head if not is_code_token(t.text))
    if tail:
        return Entry(codes, words, " ".join(t.text for t in tail), tail[0].start, typing)
    last = codes[-1] if codes else None
    if typing and last is not None and CODE_SHAPE.fullmatch(last.text):
        return Entry(codes, words, last.text, last.start, typing)
    return Entry(codes, words, "", len(text), typing)


@dataclass(frozen=True)
class Check:
    """One typed code: normalised, and the description or what is wrong with it."""

    token: str
    code: str
    ok: bool
    message: str
    typing: bool = False  # still being typed: a problem is shown, softly


def check_entry(entry: Entry, tabular: Any) -> list[Check]:
    checks = []
    for token in entry.codes:
        if token.text.lower() == NO_CODE:
            checks.append(Check(token.text, NO_CODE, True, "no code for this case"))
            continue
        code = tabular.normalize(token.text)
        typing = entry.typing and token.start == entry.query_start
        if typing and len(code.replace(".", "")) < MIN_CHECKED:
            checks.append(Check(token.text, code, False, "", typing))
            continue
        problem = tabular.check_billable(code)
        if problem is None:
            checks.append(Check(token.text, code, True, tabular.description(code), typing))
        else:
            checks.append(Check(token.text, code, False, problem.message, typing))
    return checks


def entry_problems(entry: Entry, checks: list[Check], has_completions: bool) -> list[str]:
    """Why the set cannot be graded yet, each with what to do; [] when it can."""
    problems = [f"'{w.text}' is not a code: remove it, or type words at the end to search" for w in entry.words]
    if entry.searching:
        if has_completions:
            problems.append(f"'{entry.query}' is a search: choose a code with ↓ ↑ and Tab, or type the code")
        else:
            problems.append(f"'{entry.query}' is not a code and no FY2026 description has these words: type the code, or other words")
    problems += [c.message for c in checks if not c.ok]
    codes = [c.code for c in checks]
    if NO_CODE in codes and len(codes) > 1:
        problems.append("'none' means no code at all: remove it, or remove the codes")
    if not codes and not problems:
        problems.append("Type the codes in reporting order (e.g. M54.50, G89.29), or 'none' when the case has no code")
    return problems


OK_MARK, BAD_MARK, TYPING_MARK = "✓", "✗", "…"


def checks_grid(checks: list[Check], problems: list[str], note: str, strict: bool) -> Table:
    """A row per code: ✓ and its description, or ✗ (… while it is still being typed) and what
    the tabular says is wrong; then the other problems and a note. Wrapped text stays indented."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for check in checks:
        if check.ok:
            grid.add_row(Text(OK_MARK, style="bold green"), Text(check.code, style="bold"), check.message)
        elif check.typing and not strict:
            grid.add_row(Text(TYPING_MARK, style="dim"), Text(check.code, style="bold dim"), Text(check.message, style="dim"))
        else:
            grid.add_row(Text(BAD_MARK, style="bold red"), Text(check.code, style="bold"), Text(check.message, style="red"))
    known = {c.message for c in checks}
    for problem in problems:
        if problem not in known:
            grid.add_row(Text(BAD_MARK, style="bold red"), "", Text(problem, style="red"))
    if note:
        grid.add_row(Text(TYPING_MARK, style="dim"), "", Text(note, style="dim"))
    return grid


class CodeInput(Input):
    """The box; no blinking cursor in a headless run, so screenshots are stable."""

    def on_mount(self) -> None:
        self.cursor_blink = not self.app.is_headless


class CompletionList(OptionList, can_focus=False):
    """Codes that match what is typed; the box keeps the focus, ↓ ↑ move the highlight."""


class CodeEntry(Vertical):
    """The box, its completions and a line per code typed. Posts Submitted with a valid set."""

    DEFAULT_CSS = """
    CodeEntry { height: auto; }
    CodeEntry > CompletionList { height: auto; max-height: 8; display: none; border: round $secondary 50%; padding: 0; }
    CodeEntry > CompletionList.-shown { display: block; }
    CodeEntry > #code-checks { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("tab", "complete", "Complete", id="complete", tooltip="Put the highlighted code in place of the words or the code typed"),
        Binding("down", "completion(1)", "Next completion", show=False, id="completion_next"),
        Binding("up", "completion(-1)", "Previous completion", show=False, id="completion_previous"),
        Binding("escape", "close_completions", "Close list", show=False, id="close_completions"),
    ]

    class Submitted(Message):
        """A code set with every code billable (empty for "none")."""

        def __init__(self, codes: list[str]) -> None:
            super().__init__()
            self.codes = codes

    def __init__(self, tabular: Any | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tabular = tabular
        self._strict = False  # after a refused Enter every problem shows as an error until the next edit
        self._chosen = False  # the highlight was moved with the arrows: Enter takes that code
        self._unmatched = ""  # a search that found no code, said under the box

    def compose(self) -> ComposeResult:
        yield CodeInput(placeholder="Codes in reporting order, 'none', or words to search the descriptions", id="code-input")
        yield CompletionList(id="completions")
        yield Static(id="code-checks")

    @property
    def input(self) -> Input:
        return self.query_one("#code-input", Input)

    @property
    def completions(self) -> CompletionList:
        return self.query_one(CompletionList)

    @property
    def listing(self) -> bool:
        return self.completions.has_class("-shown")

    def focus(self, scroll_visible: bool = True) -> CodeEntry:
        self.input.focus(scroll_visible)
        return self

    def set_tabular(self, tabular: Any) -> None:
        self.tabular = tabular
        self._update(self.input.value)

    # -- reading the box ----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._strict = False
        self._chosen = False
        self._update(event.value)

    def _update(self, text: str) -> None:
        entry = read_entry(text)
        self._show_checks(entry, [])
        self._start_search(entry)

    def _show_checks(self, entry: Entry, problems: list[str]) -> None:
        checks_view = self.query_one("#code-checks", Static)
        if self.tabular is None:
            waiting = "Loading the ICD-10-CM data to check the codes..." if entry.codes or entry.query else ""
            checks_view.update(Content.styled(waiting, "dim"))
            return
        note = ""
        if not problems and entry.searching and self._unmatched == entry.query:
            note = f"no FY2026 description has every word of '{entry.query}': try fewer or other words"
        checks_view.update(checks_grid(check_entry(entry, self.tabular), problems, note, self._strict))

    # -- completions --------------------------------------------------------------------

    def _start_search(self, entry: Entry) -> None:
        query = entry.query
        wanted = MIN_WORDS if entry.searching else MIN_CODE_PREFIX
        if self.tabular is None or len(query.replace(" ", "")) < wanted:
            self.workers.cancel_group(self, "completions")
            self._show_completions(query, [], searched=False)
            return
        self._search(query)

    @work(thread=True, exclusive=True, group="completions", exit_on_error=False)
    def _search(self, query: str) -> None:
        # A search reads every billable code (~0.1 s): off the event loop, and only once the
        # typing pauses; each keystroke cancels the search of the one before (exclusive).
        worker = get_current_worker()
        time.sleep(SEARCH_DELAY)
        if worker.is_cancelled:
            return
        found = self.tabular.search(query, MAX_COMPLETIONS)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_completions, query, found)

    def _show_completions(self, query: str, found: list[Any], searched: bool = True) -> None:
        if not self.is_mounted:
            return
        entry = read_entry(self.input.value)
        if query != entry.query:
            return  # the box has changed since: a newer search is on its way
        typed = self.tabular.normalize(query) if self.tabular is not None and query else ""
        if len(found) == 1 and found[0].code == typed:
            found = []  # the code is typed in full; nothing to complete
        unmatched = query if searched and entry.searching and not found else ""
        if unmatched != self._unmatched:
            self._unmatched = unmatched
            self._show_checks(entry, [])
        listing = self.completions
        listing.clear_options()
        width = max((len(info.code) for info in found), default=0)
        listing.add_options(Option(Content.assemble((info.code.ljust(width), "bold"), "  ", info.description), id=info.code) for info in found)
        listing.highlighted = 0 if found else None
        listing.set_class(bool(found), "-shown")
        listing.border_title = f"Codes for '{query}'" if found else ""
        listing.border_subtitle = "↓ ↑ choose · Tab take · Esc close" if found else ""
        self.screen.refresh_bindings()

    def action_completion(self, step: int) -> None:
        listing = self.completions
        self._chosen = True
        if listing.highlighted is None:
            listing.highlighted = 0
        else:
            listing.highlighted = (listing.highlighted + step) % listing.option_count

    def action_complete(self) -> None:
        listing = self.completions
        if listing.highlighted is not None:
            self._take(listing.get_option_at_index(listing.highlighted).id or "")

    def action_close_completions(self) -> None:
        self._show_completions(read_entry(self.input.value).query, [], searched=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take(event.option.id or "")

    def _take(self, code: str) -> None:
        """Put the code where the search or the code being typed was, ready for the next one."""
        box = self.input
        entry = read_entry(box.value)
        box.value = f"{box.value[: entry.query_start]}{code}, "
        box.cursor_position = len(box.value)
        box.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a list these keys do what they do elsewhere (Tab moves the focus).
        if action in ("complete", "completion", "close_completions"):
            return self.listing
        return True

    # -- sending the set ----------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        entry = replace(read_entry(event.value), typing=False)  # Enter finishes the last code
        if self.tabular is None:
            self.query_one("#code-checks", Static).update(Content.styled("The ICD-10-CM data is still loading: press Enter again in a moment.", "$text-warning"))
            return
        if entry.searching and self.listing and self._chosen:
            self.action_complete()  # a code chosen with the arrows; Enter takes it
            return
        checks = check_entry(entry, self.tabular)
        problems = entry_problems(entry, checks, self.listing)
        if problems:
            self._strict = True
            self._show_checks(entry, problems)
            return
        self.post_message(self.Submitted([c.code for c in checks if c.code != NO_CODE]))
