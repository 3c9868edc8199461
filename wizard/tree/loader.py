"""TOML in, a validated Tree out, or a TreeError that lists every problem with its place.

Three layers of checks, each reported the same way: TOML syntax, the schema (pydantic,
with "did you mean" for misspelt keys), and references (question, option, slot,
condition and value ids that must exist).

A tree that passes is kept in a cache (`wizard.tree.cache`) under the sha-256 of its bytes, so
the next launch with the same file skips all three layers and pydantic with them.
"""

from __future__ import annotations

import difflib
import errno
import gc
import os
import re
import stat
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from wizard.cache import sha256_hex
from wizard.record import record
from wizard.text import find_unsafe
from wizard.tree.cache import TreeCache
from wizard.tree.models import Answered, Condition, Includes, NotIn, Range, Tree
from wizard.tree.problems import LineFinder, Problem, TreeError, display_path, toml_path

if TYPE_CHECKING:
    import tomllib

DEFAULT_TREE_NAME = "low_back_pain.toml"
# The shipped tree is under 100 KB; a file this big is not a tree (or /dev/zero).
MAX_TREE_BYTES = 8 * 1024 * 1024
TEMPLATE_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@record
class LoadedTree:
    """A tree with where it came from: the engine needs the tree, sessions need the sha."""

    tree: Tree
    path: Path
    sha256: str


def shipped_folder(packaged: str, top: str) -> Path | None:
    """A folder shipped beside the code: inside the installed wheel as wizard/`packaged`, or at
    the top of a checkout as `top`; None when neither is there.

    The wheel carries trees/ and docs/ inside the package (see pyproject.toml); an editable
    install (make run, make test) does not, so a checkout is recognised by its pyproject.toml.
    """
    package = Path(__file__).resolve().parents[1]
    inside = package / packaged
    if inside.is_dir():
        return inside
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / top).is_dir():
        return checkout / top
    return None


def bundled_trees_dir() -> Path:
    """The folder of the shipped trees: wizard/bundled_trees in the wheel, trees/ in a checkout."""
    found = shipped_folder("bundled_trees", "trees")
    if found is None:
        inside = Path(__file__).resolve().parents[1] / "bundled_trees"
        raise TreeError([Problem(str(inside), "", "the shipped trees are missing from this installation.", fix="reinstall wizard, or pass --tree PATH.")])
    return found


def default_tree_path() -> Path:
    return bundled_trees_dir() / DEFAULT_TREE_NAME


def shipped_tree_paths() -> list[Path]:
    return sorted(bundled_trees_dir().glob("*.toml"))


def load_tree(path: Path | str, *, cache: TreeCache | None = None) -> LoadedTree:
    """Read, parse and validate a tree file. Raises TreeError with every problem found.

    `cache` defaults to the user's cache of trees already validated (see wizard.tree.cache);
    pass `TreeCache.off()` to check the file from scratch, as lint does.
    """
    path = Path(path)
    shown = display_path(path)
    try:
        raw = read_bounded(path, MAX_TREE_BYTES)
    except FileNotFoundError:
        raise TreeError([Problem(shown, "", "no such file.", fix="check the path, or run `wizard lint` with no argument to check the shipped trees.")]) from None
    except IsADirectoryError:
        raise TreeError([Problem(shown, "", "is a folder, not a tree file.", fix="name a .toml file inside it.")]) from None
    except TooBig:
        raise TreeError([Problem(shown, "", f"is over {MAX_TREE_BYTES // 2**20} MiB: not a tree file.", fix="name the .toml file of a tree.")]) from None
    except OSError as error:
        raise TreeError([Problem(shown, "", f"cannot be read ({error.strerror or error}).", fix="check the path and its permissions.")]) from None
    except ValueError:  # a NUL in the path, as a session file may name one
        raise TreeError([Problem(ascii(str(path)), "", "is not a usable path (it holds a NUL character).", fix="name the tree file with --tree.")]) from None
    sha256 = sha256_hex(raw)
    cache = cache if cache is not None else TreeCache.default()
    tree = cache.get(sha256)
    if tree is None:
        with collector_paused():
            tree = parse_tree(raw, shown)
        cache.put(sha256, tree)
    return LoadedTree(tree, path, sha256)


@contextmanager
def collector_paused(keep: bool = False) -> Iterator[None]:
    """No cyclic garbage collection while a tree is parsed, validated and turned into records.

    A big tree makes hundreds of thousands of objects, none of them garbage, and each batch
    of them sets off a pass of the collector over all the others: on the 20,000-question
    benchmark tree that was more than half the time of the conversion to records.

    keep: for a command that ends soon after. What is alive when the pause ends is frozen
    (gc.freeze), not scanned by the collector's next pass: after the lint of that tree, with
    the ICD tabular loaded, that pass alone took 0.6 s.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if keep:
                gc.freeze()
            gc.enable()


class TooBig(OSError):
    """A file over the size its reader accepts."""


class FileRefused(ValueError):
    """A file named by the user that cannot be read as one of its kind; the message says why and the fix."""


def read_named_file(path: Path, limit: int, what: str, give: str) -> bytes:
    """The bytes of a file the user named (an answers file, a note file), or FileRefused saying
    that there is no such `what`, that it is too big for one, or unreadable, and to `give` the
    right one."""
    article = "an" if what[:1] in "aeiou" else "a"
    try:
        return read_bounded(path, limit)
    except FileNotFoundError:
        raise FileRefused(f"{path}: no such {what}. Fix: give {give}.") from None
    except TooBig:
        raise FileRefused(f"{path}: is over {limit // 1024} KiB, too big for {article} {what}. Fix: give {give}.") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error.__class__.__name__
        raise FileRefused(f"{path}: cannot be read ({reason}). Fix: give {give}, readable.") from None


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a file named on the command line, refused when over limit.

    Opened without blocking, so a fifo with no writer reads as empty rather than hanging;
    then read as the user meant, so `--answers <(...)` still works; and never more than
    limit + 1 bytes, so a device such as /dev/zero cannot fill the memory.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        os.set_blocking(fd, True)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooBig(errno.EFBIG, os.strerror(errno.EFBIG), str(path))
    return data


def parse_tree(raw: bytes, shown: str) -> Tree:
    import tomllib  # only for a tree not in the cache

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TreeError([Problem(shown, "", f"is not UTF-8 text (byte {error.start}).", fix="save the file as UTF-8.")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TreeError([_syntax_problem(shown, error)]) from None
    except RecursionError:
        raise TreeError([_too_deep(shown)]) from None
    finder = LineFinder(text)
    try:
        # A string holds only what the text spells out, unless an escape made it: with no
        # backslash and nothing unsafe in the whole text, no key or string can hold anything
        # unsafe, and the walk over every string (a few % of a big tree's load) is skipped.
        plain = "\\" not in text and find_unsafe(text) is None
        problems = [] if plain else list(text_problems(data, shown, finder))
        from wizard.tree.schema import validate  # pydantic: only for a tree not in the cache

        tree = validate(data, shown, text, problems)
        problems += reference_problems(tree, shown, finder)
    except RecursionError:
        raise TreeError([_too_deep(shown)]) from None
    if problems:
        raise TreeError(problems)
    return tree


def _too_deep(shown: str) -> Problem:
    return Problem(shown, "", "tables, lists or conditions are nested too deeply.", fix="flatten them; name shared conditions under [conditions].")


@lru_cache(maxsize=8)
def _cached(path: str, mtime_ns: int) -> LoadedTree:
    return load_tree(path)


def load_tree_cached(path: Path | str) -> LoadedTree:
    """load_tree, but once per file version (the UI and CLI may ask more than once)."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return load_tree(path)
    return _cached(str(path), mtime)


def _syntax_problem(shown: str, error: tomllib.TOMLDecodeError) -> Problem:
    message = str(error)
    line = None
    match = re.search(r"at line (\d+)", message)
    if match:
        line = int(match.group(1))
    return Problem(shown, "", f"TOML syntax error: {message}.", line=line, fix="correct the TOML syntax at that line (quotes, brackets, commas).")


# ---- text ---------------------------------------------------------------------------------


def text_problems(data: object, shown: str, finder: LineFinder, loc: tuple[object, ...] = ()) -> Iterator[Problem]:
    """Control and bidi characters anywhere in the file's keys or strings.

    A tree is read by reviewers in a diff and shown in a terminal: an ESC would make the
    terminal act (recolour, move, write the clipboard) and a bidi override would make the
    reviewer read other text than the wizard shows. No tree needs them, so they are errors.
    """
    if isinstance(data, str):
        found = find_unsafe(data)
        if found is not None:
            index, name = found
            yield Problem(
                shown, toml_path(loc), f"has the control character {name} at character {index + 1}.", line=finder.find(loc),
                fix="delete it: tree text may hold tabs and newlines but no control or bidi characters, which a terminal obeys rather than shows.",
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            found = find_unsafe(key)
            if found is not None:
                yield Problem(shown, toml_path(loc), f"the key {ascii(key)} has the control character {found[1]}.", line=finder.find(loc), fix="rename the key.")
                continue
            yield from text_problems(value, shown, finder, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_problems(value, shown, finder, (*loc, index))


# ---- references ---------------------------------------------------------------------------


def reference_problems(tree: Tree, shown: str, finder: LineFinder) -> Iterator[Problem]:
    """Every id that a tree uses must be defined, and defined once."""

    def problem(loc: tuple[object, ...], message: str, fix: str | None = None) -> Problem:
        return Problem(shown, toml_path(loc), message, line=finder.find(loc), fix=fix)

    for kind, items in (
        ("question", tree.questions),
        ("rule", tree.rules),
        ("stop", tree.stops),
        ("checklist item", tree.checklist),
        ("slot", tree.sequence),
        ("value", tree.values),
    ):
        seen: set[str] = set()
        section = {"question": "questions", "rule": "rules", "stop": "stops", "checklist item": "checklist", "slot": "sequence", "value": "values"}[kind]
        for index, item in enumerate(items):
            if item.id in seen:
                yield problem((section, index, "id"), f"{kind} id '{item.id}' is used twice.", "give each one its own id.")
            seen.add(item.id)

    order: dict[str, int] = {}
    for i, q in enumerate(tree.questions):
        order.setdefault(q.id, i)
    for index, question in enumerate(tree.questions):
        if question.when is not None:
            yield from _condition_problems(tree, question.when, ("questions", index, "when"), problem)
            for read in sorted(tree.reads(question.when)):
                if read in order and order[read] >= index:
                    yield problem(
                        ("questions", index, "when"),
                        f"'{question.id}' is asked depending on '{read}', which is asked after it.",
                        f"move '{read}' before '{question.id}' or change the condition.",
                    )
    for name, condition in tree.conditions.items():
        yield from _condition_problems(tree, condition, ("conditions", name), problem)
    yield from _named_condition_cycles(tree, problem)

    slots = {s.id for s in tree.sequence}
    values = {v.id for v in tree.values}
    for index, value in enumerate(tree.values):
        question = tree.question(value.source)
        if question is None:
            yield problem(("values", index, "from"), *_unknown("question", value.source, order))
            continue
        for key in value.map:
            if key not in question.option_ids():
                yield problem(("values", index, "map", key), *_unknown(f"option of '{question.id}'", key, question.option_ids()))
        if value.ranges and question.number is None:
            yield problem(("values", index, "ranges"), f"'{question.id}' takes no number, so ranges never apply.", "remove the ranges or give the question a number = { min, max }.")
        if question.many:
            yield problem(("values", index, "from"), f"'{question.id}' takes several answers, so it gives no one text to a code template.", "derive the value from a question with one answer, or write a rule per option with { includes = ... }.")
    for index, rule in enumerate(tree.rules):
        if rule.slot not in slots:
            yield problem(("rules", index, "slot"), *_unknown("slot", rule.slot, slots))
        for field in TEMPLATE_FIELD.findall(rule.code):
            if field not in values:
                yield problem(("rules", index, "code"), *_unknown("value", field, values))
        yield from _condition_problems(tree, rule.when, ("rules", index, "when"), problem)
    for index, stop in enumerate(tree.stops):
        yield from _condition_problems(tree, stop.when, ("stops", index, "when"), problem)
    for index, entry in enumerate(tree.checklist):
        yield from _condition_problems(tree, entry.when, ("checklist", index, "when"), problem)
        for place, name in enumerate(entry.documented_by):
            if name not in order:
                yield problem(("checklist", index, "documented_by", place), *_unknown("question", name, order))


def _unknown(kind: str, name: str, known: Any) -> tuple[str, str]:
    names = sorted(set(known))
    close = difflib.get_close_matches(name, names, n=1)
    fix = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(names)}." if names else "define it first."
    return f"'{name}' is not a known {kind}.", fix


def _condition_problems(tree: Tree, condition: Condition, loc: tuple[object, ...], problem: Any) -> Iterator[Problem]:
    for key, matcher in condition.matchers.items():
        question = tree.question(key)
        if question is None:
            yield problem((*loc, key), *_unknown("question", key, [q.id for q in tree.questions]))
            continue
        options = question.option_ids()
        if question.many and not isinstance(matcher, (Includes, Answered)):
            yield problem(
                (*loc, key), f"'{key}' takes several answers, so it is tested by what it includes.",
                f"write {key} = {{ includes = \"{options[0]}\" }} (or a list of options: holds if any is chosen).",
            )
            continue
        if isinstance(matcher, Includes) and not question.many:
            yield problem((*loc, key), f"'{key}' takes one answer; `includes` is for a question with select = \"many\".", f"write {key} = \"option\" or a list of options.")
            continue
        if isinstance(matcher, (str, list, NotIn, Includes)):
            wanted = [matcher] if isinstance(matcher, str) else matcher.not_ if isinstance(matcher, NotIn) else matcher.includes if isinstance(matcher, Includes) else matcher
            for option in wanted:
                if option not in options:
                    message, fix = _unknown(f"option of '{key}'", option, options)
                    yield problem((*loc, key), message, fix)
        elif isinstance(matcher, Range) and question.number is None:
            yield problem((*loc, key), f"'{key}' takes no number, so a range never matches.", f"compare with an option id: {', '.join(options)}.")
        elif isinstance(matcher, Answered):
            pass
    for name in condition.is_:
        if name not in tree.conditions:
            yield problem((*loc, "is"), *_unknown("condition", name, tree.conditions))
    for index, child in enumerate(condition.all):
        yield from _condition_problems(tree, child, (*loc, "all", index), problem)
    for index, child in enumerate(condition.any):
        yield from _condition_problems(tree, child, (*loc, "any", index), problem)
    if condition.not_ is not None:
        yield from _condition_problems(tree, condition.not_, (*loc, "not"), problem)


def _named_condition_cycles(tree: Tree, problem: Any) -> Iterator[Problem]:
    def refs(condition: Condition) -> set[str]:
        found = set(condition.is_)
        for child in [*condition.all, *condition.any, *([condition.not_] if condition.not_ else [])]:
            found |= refs(child)
        return found

    graph = {name: refs(c) for name, c in tree.conditions.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> list[str] | None:
        state[name] = 1
        for nxt in graph.get(name, ()):
            if state.get(nxt) == 1:
                return trail + [name, nxt]
            if nxt in graph and nxt not in state:
                found = visit(nxt, trail + [name])
                if found:
                    return found
        state[name] = 2
        return None

    for name in graph:
        if name not in state:
            cycle = visit(name, [])
            if cycle:
                yield problem(("conditions", name), f"conditions refer to each other in a loop: {' -> '.join(cycle)}.", "break the loop.")
                return
