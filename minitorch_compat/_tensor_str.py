"""How tensors print: ``repr(t)``, ``str(t)`` and ``print(t)``, character for character as torch.

How torch decides the format
----------------------------
A tensor prints as ``tensor(<contents><suffixes>)``.

*One formatter for the whole tensor.* Before anything is written, torch scans every value
that will be shown (only the corner values when the tensor is summarised) and settles on a
single way to write numbers plus one column width, so that all columns line up:

* integers and bools are written with ``str`` (``5``, ``-12``, ``True``); the width is the
  longest of them.
* floats look only at the values that are finite and non-zero (zeros, ``nan`` and ``inf``
  never influence the choice or the width):

  - if every one is a whole number the tensor is in *int mode*: ``1.``, ``-3.``, ``0.``
    (the trailing dot says "this is a float"); ``nan``/``inf`` get no dot.
  - scientific notation (``1.0000e+05``) is used when the largest magnitude is more than
    1000 times the smallest, or the largest exceeds 1e8, or the smallest is below 1e-4
    (compared in double precision). ``set_printoptions(sci_mode=True/False)`` forces it.
  - otherwise fixed point with ``precision`` (4) decimals: ``0.5000``.
  - the width is the longest of the scanned values written that way (plus one for the dot
    in int mode). Values that were not scanned (``nan``, ``-0.0000``) may be wider and then
    simply stick out -- torch does not re-align them, and neither do we.
  - if nothing is finite and non-zero the tensor prints in int mode, width 1, even when
    sci_mode is forced.
* complex tensors get two float formatters, one for the real parts and one for the
  imaginary parts; an element is written ``real`` + signed ``imag`` + ``j``.

*Layout.* Rows are nested brackets; between sub-tensors of a ``d``-dimensional tensor there
is a comma, ``d - 1`` newlines and indentation by the bracket depth plus the ``tensor(``
prefix (7 characters). A 1-d row is wrapped so that
``floor((linewidth - indent) / (width + 2))`` elements sit on a line (at least one).

*Summarisation.* With more than ``threshold`` (1000) elements, each dimension longer than
``2 * edgeitems`` shows only its first and last ``edgeitems`` (3) entries around ``...``;
the formatter is then built from exactly those shown values.

*Suffixes.* After the contents come, in this order: ``size=(...)`` (empty tensors that
are not 1-d, or ``edgeitems=0``), ``dtype=torch.X`` (when the dtype is not the default
float dtype, its complex partner, int64 or bool -- for empty tensors whenever it is not the
default float dtype), then ``grad_fn=<Name>`` or else ``requires_grad=True``. A suffix goes
on a new line, indented to the prefix, if it would push the last line past ``linewidth``.

How this file does it
---------------------
The tensor's values live in a NumPy array (``self._data``). ``_Formatter`` does the scan
above with vectorised NumPy (on the distinct values only, then Python's ``format`` -- the
same routine torch ends up calling, so rounding is identical). ``_summarized`` picks the
shown corner values with one fancy index per dimension. ``_contents`` walks the array
recursively producing the bracketed text, and ``_str`` adds the ``tensor(`` prefix and the
suffixes. ``PRINT_OPTS`` / ``set_printoptions`` / ``get_printoptions`` / ``printoptions``
hold the user-visible options exactly as torch's do.
"""
import contextlib
import dataclasses
import math

import numpy as np

from . import _dtype

__all__ = ["PRINT_OPTS", "set_printoptions", "get_printoptions", "printoptions"]


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """torch.set_printoptions.

    ``profile`` ('default', 'short' or 'full') first resets precision, threshold, edgeitems
    and linewidth; the explicit arguments given then override it. ``sci_mode`` is always
    assigned, so leaving it out goes back to automatic choice (as in torch).
    """
    if profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, value)
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current options as a dict that ``set_printoptions(**d)`` accepts."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as ``set_printoptions``)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


class _Formatter:
    """Writes every number of one (real) array the same way and at the same width."""

    def __init__(self, values):
        values = np.asarray(values).reshape(-1)
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        if not self.floating:  # integers and bools: plain str(), widest wins
            for v in np.unique(values).tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return

        values = values.astype(np.float64)  # exact for float16/32; torch also decides in double
        values = values[np.isfinite(values) & (values != 0)]
        if values.size == 0:  # only zeros / nan / inf: int mode, width 1
            return

        self.int_mode = bool(np.all(values == np.ceil(values)))
        magnitudes = np.abs(values)
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        if self.sci_mode:
            spec, extra = f".{PRINT_OPTS.precision}e", 0
        elif self.int_mode:
            spec, extra = ".0f", 1  # room for the trailing "."
        else:
            spec, extra = f".{PRINT_OPTS.precision}f", 0
        for v in np.unique(values).tolist():
            self.max_width = max(self.max_width, len(format(v, spec)) + extra)

    def width(self):
        return self.max_width

    def format(self, value):
        """One value (a Python number) as text, right-aligned to the common width."""
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = format(value, f"{self.max_width}.{PRINT_OPTS.precision}e")
        elif self.int_mode:
            text = format(value, ".0f")
            if math.isfinite(value):
                text += "."
        else:
            text = format(value, f".{PRINT_OPTS.precision}f")
        return text.rjust(self.max_width)


def _element(value, real_fmt, imag_fmt):
    """One element; complex ones are ``real`` followed by a signed ``imag`` and ``j``."""
    if imag_fmt is None:
        return real_fmt.format(value)
    real_text = real_fmt.format(value.real)
    imag_text = (imag_fmt.format(value.imag) + "j").lstrip()
    if imag_text[0] in "+-":
        return real_text + imag_text
    return real_text + "+" + imag_text


def _row(vec, indent, summarize, real_fmt, imag_fmt):
    """A 1-d array: ``[a, b, c]`` wrapped to the line width."""
    per_element = real_fmt.width() + 2  # the value plus ", "
    if imag_fmt is not None:
        per_element += imag_fmt.width() + 1  # the imaginary part plus "j"
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / per_element))

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and vec.shape[0] > 2 * edge:
        items = ([_element(v, real_fmt, imag_fmt) for v in vec[:edge].tolist()] + [" ..."]
                 + [_element(v, real_fmt, imag_fmt) for v in vec[-edge:].tolist()])
    else:
        items = [_element(v, real_fmt, imag_fmt) for v in vec.tolist()]

    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _contents(arr, indent, summarize, real_fmt, imag_fmt=None):
    """The bracketed text of ``arr``; ``indent`` is the column of its opening bracket."""
    if arr.ndim == 0:
        return _element(arr.item(), real_fmt, imag_fmt)
    if arr.ndim == 1:
        return _row(arr, indent, summarize, real_fmt, imag_fmt)

    edge = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * edge:
        parts = ([_contents(arr[i], indent + 1, summarize, real_fmt, imag_fmt) for i in range(edge)]
                 + ["..."]
                 + [_contents(arr[i], indent + 1, summarize, real_fmt, imag_fmt)
                    for i in range(n - edge, n)])
    else:
        parts = [_contents(arr[i], indent + 1, summarize, real_fmt, imag_fmt) for i in range(n)]
    # sub-tensors of a d-dim tensor are separated by d - 1 newlines (a blank line per extra dim)
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _summarized(arr):
    """The values a summarised print shows: first/last ``edgeitems`` along every long dim."""
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim >= 2 and not edge:
        return arr[(slice(0, 0),) * arr.ndim]

    def shown(n):
        idx = np.arange(n)
        # like torch, take idx[:edge] and idx[-edge:] (for a 1-d tensor with edge 0 that is all)
        return np.concatenate([idx[:edge], idx[-edge:]]) if n > 2 * edge else idx

    return arr[np.ix_(*[shown(n) for n in arr.shape])]


def _tensor_str(arr, indent):
    """The contents part of the repr of a non-empty array (no prefix, no suffixes)."""
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    scanned = _summarized(arr) if summarize else arr
    if arr.dtype.kind == "c":
        return _contents(arr, indent, summarize, _Formatter(scanned.real), _Formatter(scanned.imag))
    return _contents(arr, indent, summarize, _Formatter(scanned))


def _add_suffixes(text, suffixes, indent, force_newline=False):
    """Append ``, suffix`` items and the closing parenthesis, wrapping at the line width."""
    pieces = [text]
    # (torch's arithmetic: counts from the last newline, plus one; "+2" when there is none)
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            pieces.append(", " + suffix)
            last_line_len += len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)


def _grad_fn_name(grad_fn):
    name_method = getattr(grad_fn, "name", None)
    name = name_method() if callable(name_method) else type(grad_fn).__name__
    return name.rsplit("::", 1)[-1]


def _str(self, *, tensor_contents=None):
    """``repr`` of a tensor-like ``self`` (needs ``_data``, ``dtype``, ``requires_grad``,
    ``grad_fn``). ``tensor_contents`` replaces the bracketed values, as in torch."""
    prefix = "tensor("
    indent = len(prefix)
    data = np.asarray(self._data)
    dtype = self.dtype
    default = _dtype.get_default_dtype()
    default_complex = _dtype.complex128 if default is _dtype.float64 else _dtype.complex64

    suffixes = []
    if data.size == 0:
        if data.ndim != 1:  # like NumPy, spell out any shape other than (0,)
            suffixes.append("size=" + str(tuple(data.shape)))
        if dtype != default:  # nothing to infer the dtype from, so even int64 is named
            suffixes.append("dtype=" + repr(dtype))
        contents = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(data.shape)))
        if dtype not in (default, default_complex, _dtype.int64, _dtype.bool_):
            suffixes.append("dtype=" + repr(dtype))
        contents = _tensor_str(data, indent) if tensor_contents is None else None
    if tensor_contents is not None:
        contents = tensor_contents

    grad_fn = getattr(self, "grad_fn", None)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(grad_fn)}>")
    elif getattr(self, "requires_grad", False):
        suffixes.append("requires_grad=True")

    return _add_suffixes(prefix + contents, suffixes, indent)
