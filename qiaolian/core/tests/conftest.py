"""Fixtures for the core's tests: an isolated task queue that a real worker drains."""

import pytest

from qiaolian.core.testing import workers


@pytest.fixture
def task_queue():
    """An empty queue at the start of the test, and `run()` to let a real worker drain it."""

    class Queue:
        run = staticmethod(workers.run_queued_tasks)

    if workers.uses_rq():
        workers.flush_rq()
    yield Queue()
    if workers.uses_rq():
        workers.flush_rq()
