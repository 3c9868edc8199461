"""Lint's case checks on a second core: the same problems as a plain call, whatever the child does."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED_TREE
from wizard.lint import lint_file
from wizard.lint.background import started

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system: the job runs in process")


@needs_fork
def test_the_job_runs_in_a_child_and_its_result_comes_back() -> None:
    result = started(lambda: (os.getpid(), ["a problem"], 3))
    pid, problems, count = result()
    assert pid != os.getpid()
    assert (problems, count) == (["a problem"], 3)


@needs_fork
def test_a_child_that_dies_without_an_answer_leaves_the_job_to_this_process() -> None:
    parent = os.getpid()

    def job() -> int:
        if os.getpid() != parent:
            os._exit(9)  # killed mid-job: no answer on the pipe
        return 42

    assert started(job)() == 42


@needs_fork
def test_an_error_in_the_job_is_raised_here_as_a_plain_call_raises_it() -> None:
    def job() -> None:
        raise ValueError("case file unreadable")

    result = started(job)
    with pytest.raises(ValueError, match="case file unreadable"):
        result()


def test_with_other_threads_running_the_job_stays_in_this_process() -> None:
    # A fork would copy the other threads' locks held, never released: no child then.
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert started(lambda: os.getpid())() == os.getpid()
    finally:
        stop.set()
        helper.join()


def test_lint_reports_the_cases_that_disagree_with_the_tree(tmp_path: Path) -> None:
    """A case whose expected codes are wrong and one that leaves a question open are reported with
    their place, as the case checks report them (now from the second core)."""
    trees = tmp_path / "trees"
    (trees / "cases").mkdir(parents=True)
    (trees / "tree.toml").write_text(SHIPPED_TREE.read_text(encoding="utf-8"), encoding="utf-8")
    cases = (REPO / "trees" / "cases" / "low_back_pain.toml").read_text(encoding="utf-8")
    cases = cases.replace('expected = ["M54.6"]', 'expected = ["M54.9"]', 1)
    cases = cases.replace('answers = { region = "back_unspecified" }', "answers = { }", 1)
    (trees / "cases" / "cases.toml").write_text(cases, encoding="utf-8")
    report = lint_file(trees / "tree.toml", read_notes=False)
    rendered = [p.render() for p in report.errors]
    assert any("case[0] (thoracic_spine_pain).expected" in line and "the tree gives ['M54.6'] but the case expects ['M54.9']" in line for line in rendered), rendered
    assert any("case[1] (back_pain_region_not_documented).answers" in line and "reaches 'region'" in line for line in rendered), rendered
    assert len(report.errors) == 2, rendered
    assert report.cases > 100
