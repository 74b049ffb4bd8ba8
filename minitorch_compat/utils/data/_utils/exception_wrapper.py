"""ExceptionWrapper: carry an exception from a worker process to the main process.

A traceback cannot cross a process boundary, so the worker formats it into text and
sends that together with the exception *type*. ``reraise()`` in the main process raises a
new exception of the same type whose message says where it happened and quotes the
original traceback, e.g.::

    KeyError: Caught KeyError in DataLoader worker process 0.
    Original Traceback (most recent call last):
      ...

Same rules as torch: KeyError gets a message whose ``repr`` is itself (a KeyError
normally shows ``repr(arg)``, which would print the traceback as one escaped line), and
a type that cannot be built from a single message string becomes a RuntimeError.
"""
import sys
import traceback


class KeyErrorMessage(str):
    """A str that is its own repr, so KeyError prints the traceback text readably."""

    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """The exception being handled (or ``exc_info``) as a picklable record."""

    def __init__(self, exc_info=None, where="in background"):
        # Keep only the type and text: holding the traceback object would keep every
        # frame (and the batch being built) alive.
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the carried exception here, with the original traceback in the message."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            # Some exception types take their text only as a ``message=`` keyword.
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception
