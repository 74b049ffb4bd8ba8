"""Helpers behind the DataLoader: collation, fetching, the worker loop.

They live at module level (not as methods) because worker processes receive them by
reference, and to mirror torch's ``torch/utils/data/_utils`` layout.
"""
import atexit

from .exception_wrapper import ExceptionWrapper

MP_STATUS_CHECK_INTERVAL = 5.0
"""Seconds between a waiting worker's checks that its parent process is still alive,
and the grace period given to a worker to exit at shutdown before it is terminated."""

python_exit_status = False
"""Set once the interpreter starts shutting down: from then on loader iterators leave
their (daemonic) workers to multiprocessing's own exit handler instead of talking to
queues whose machinery may already be gone."""


def _set_python_exit_flag():
    global python_exit_status
    python_exit_status = True


atexit.register(_set_python_exit_flag)

from . import collate, fetch, worker  # noqa: E402  (worker reads the names above)
