"""One lint job on the machine's second core: the case checks run while the path walk does.

The walk and the case checks only read the loaded tree, and neither needs the other's result,
so `wizard lint` forks after the tree is loaded: the child runs the case checks and sends back
their problems (pickled, through a pipe) while the parent walks every path. On a machine with
two free cores the lint of the shipped tree takes the longer of the two instead of their sum.

The child is a convenience, never a second source of truth: if it cannot be started (no
`fork`, as on Windows; other threads running, which a fork would leave holding their locks) or
if it ends without an answer (it crashed, was killed, or its job raised), the job simply runs
again in this process, so its problems and its errors are the ones a plain call gives.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def started(job: Callable[[], T]) -> Callable[[], T]:
    """Start `job` in a forked child; the function returned waits for its result."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return job
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return job
    if pid == 0:  # the child: answer, or say nothing and let the parent do the job itself
        os.close(read_end)
        _answer(job, write_end)
    os.close(write_end)

    def result() -> T:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - no answer (the child failed): the job runs here
            return job()

    return result


def _answer(job: Callable[[], object], write_end: int) -> None:
    """The child's whole life: run the job, write its pickled result, leave without cleanup
    (the parent's open files, buffers and exit handlers are the parent's)."""
    try:
        data = pickle.dumps(job(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
    except BaseException:  # noqa: BLE001 - whatever went wrong, the parent runs the job again
        pass
    finally:
        os._exit(0)
