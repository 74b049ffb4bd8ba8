"""The unpickler behind ``torch.load(weights_only=True)``: only what a checkpoint needs.

What torch does
---------------
A pickle is a small program for a stack machine: opcodes push values (``BININT``,
``BINUNICODE``, ``EMPTY_DICT``), build containers (``SETITEMS``, ``APPENDS``, ``TUPLE``),
fetch a global by name (``GLOBAL``), call it (``REDUCE``, ``NEWOBJ``) and set an object's
state (``BUILD``). Python's own unpickler runs any global with any arguments, which is
how a file executes code. ``torch/_weights_only_unpickler.py`` is its own interpreter of
the protocol-2 opcodes ``torch.save`` writes, with a rule for each risky one:

1. ``GLOBAL`` resolves only names in an allowlist (rebuild functions, storage classes,
   dtypes, ``OrderedDict``, ``torch.Size``...) plus those the user added with
   ``add_safe_globals``; never anything from ``os``/``sys``. Names are looked up in a
   table, never imported.
2. ``REDUCE`` calls only allowed callables; ``NEWOBJ`` creates only allowed classes.
3. ``BUILD`` sets state only on an ``OrderedDict`` (a state_dict's ``_metadata``) or an
   instance of an allowed class, never on a class, a dtype or a function: otherwise a file
   could rewrite ``torch.float32`` or ``torch.Size.__repr__`` for the rest of the process.
4. ``APPEND``/``SETITEM`` only on lists and dicts; persistent ids only name storages.
   Every other opcode is refused.

How this file does it
---------------------
The same opcode set and the same messages, as a table from opcode to a short method.
The allowlist maps torch's names to our objects (``torch._utils._rebuild_tensor_v2`` ->
``minitorch_compat._utils._rebuild_tensor_v2``). One rule is stricter than torch's:
``BUILD`` also requires the object to have been created by this unpickler (by ``REDUCE``
or ``NEWOBJ``), so even an allowlisted *instance* is never modified. ``BUILD`` on tensors
and parameters (a pre-1.0 torch format) is not supported, nor is ``_codecs.encode`` with
any codec but latin-1 (how protocol 2 spells ``bytes``).
"""
import warnings
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from collections import Counter, OrderedDict
from pickle import UnpicklingError, decode_long
from struct import unpack
from sys import maxsize
from types import FunctionType

from . import _dtype, _utils
from ._run import _alias_name
from ._tensor import Size, Tensor, device
from .nn.parameter import Parameter
from .storage import MISSING_DTYPES, STORAGE_TYPES, UntypedStorage

__all__ = ["Unpickler", "load"]

# Modules never allowed, even if a user allowlists something from them.
_blocklisted_modules = ["sys", "os", "posix", "nt"]

_marked_safe_globals_set = set()  # what add_safe_globals added: callables or (obj, "module.name")


def _add_safe_globals(safe_globals):
    global _marked_safe_globals_set
    _marked_safe_globals_set = _marked_safe_globals_set.union(set(safe_globals))


def _get_safe_globals():
    return list(_marked_safe_globals_set)


def _clear_safe_globals():
    global _marked_safe_globals_set
    _marked_safe_globals_set = set()


def _remove_safe_globals(globals_to_remove):
    global _marked_safe_globals_set
    _marked_safe_globals_set = _marked_safe_globals_set - set(globals_to_remove)


def _get_user_allowed_globals():
    allowed = {}
    for f in _marked_safe_globals_set:
        if isinstance(f, tuple):
            if len(f) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple "
                                 f"of length: {len(f)}")
            if type(f[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: {type(f[1])}")
            allowed[f[1]] = f[0]
        else:
            allowed[".".join(global_name(f) or (f.__module__, f.__qualname__))] = f
    return allowed


def _latin1_encode(text, encoding="latin1", errors="strict"):
    """``_codecs.encode`` as protocol-2 pickles use it: ``bytes`` spelled as a latin-1 str."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise UnpicklingError("_codecs.encode is only allowed to decode bytes (latin1)")
    return text.encode("latin1")


def _missing_dtype(name):
    raise RuntimeError(f"this checkpoint holds {name} tensors, and minitorch_compat has no {name} dtype yet; "
                       f"convert them in torch before saving (e.g. tensor.float())")


_ALLOWED = None


def _get_allowed_globals():
    """torch's name -> our object, for every global a weights-only checkpoint may use."""
    global _ALLOWED
    if _ALLOWED is None:
        allowed = {
            "collections.OrderedDict": OrderedDict,
            "collections.Counter": Counter,
            "torch.nn.parameter.Parameter": Parameter,
            "torch.Size": Size,
            "torch.device": device,
            "torch.Tensor": Tensor,
            "_codecs.encode": _latin1_encode,
            "builtins.bytearray": bytearray,
            "builtins.set": set,
            "builtins.complex": complex,
            "torch.storage.UntypedStorage": UntypedStorage,
            "torch.UntypedStorage": UntypedStorage,
            "torch._tensor._rebuild_from_type_v2": _utils._rebuild_from_type_v2,
        }
        for name in ("_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
                     "_rebuild_parameter_with_state"):
            allowed[f"torch._utils.{name}"] = getattr(_utils, name)
        allowed.update({f"torch.{name}": storage_type for name, storage_type in STORAGE_TYPES.items()})
        allowed.update({str(d): d for d in _dtype._ALL})  # "torch.float32" -> float32
        _ALLOWED = allowed
    return _ALLOWED


def resolve_missing_dtype(module, name):
    """Raise the clear error for a torch dtype (or its storage class) that we lack."""
    if module == "torch":
        for dtype_name, storage_name in MISSING_DTYPES.items():
            if name in (dtype_name, storage_name):
                _missing_dtype(dtype_name)


_NAMES_OF_OURS = None


def global_name(obj):
    """``(module, name)`` under which torch pickles ``obj``, where ``obj`` is one of our
    stand-ins for a torch global (``float32`` -> ``("torch", "float32")``); None otherwise.

    The allowlist above read backwards, then the mirrored layout: a class or function of
    ``minitorch_compat.nn.modules.linear`` is ``torch.nn.modules.linear``'s.
    """
    global _NAMES_OF_OURS
    if _NAMES_OF_OURS is None:
        _NAMES_OF_OURS = {}
        for path, ours in _get_allowed_globals().items():
            if path.startswith("torch"):
                _NAMES_OF_OURS.setdefault(id(ours), tuple(path.rsplit(".", 1)))
    name = _NAMES_OF_OURS.get(id(obj))
    if name is not None:
        return name
    if isinstance(obj, (type, FunctionType)) and str(obj.__module__).startswith("minitorch_compat"):
        return _alias_name(obj.__module__), obj.__qualname__
    return None


def _read_global(readline):
    """``GLOBAL``'s two lines, with the Python 2 names protocol 2 writes (``__builtin__.set``)
    mapped to Python 3's, as pickle's ``fix_imports`` does."""
    module = readline()[:-1].decode("utf-8")
    name = readline()[:-1].decode("utf-8")
    if (module, name) in NAME_MAPPING:
        return NAME_MAPPING[(module, name)]
    return IMPORT_MAPPING.get(module, module), name


class Unpickler:
    """Interprets the opcodes below; anything else is an ``UnpicklingError``."""

    def __init__(self, file, *, encoding="bytes"):
        self.encoding = encoding
        self.readline = file.readline
        self.read = file.read
        self.memo = {}
        self.proto = -1

    def load(self):
        """Run the pickle program to its STOP; return the object it left on the stack."""
        self.metastack = []
        self.stack = []
        self.created = {}  # id -> object made by REDUCE/NEWOBJ: the only ones BUILD may change
        while True:
            key = self.read(1)
            if not key:
                raise EOFError
            if key == b".":  # STOP
                return self.stack.pop()
            handler = self._DISPATCH.get(key[0])
            if handler is None:
                raise UnpicklingError(f"Unsupported operand {key[0]}")
            handler(self)

    # -- risky opcodes ---------------------------------------------------------------------
    def _global(self):
        module, name = _read_global(self.readline)
        full_path = f"{module}.{name}"
        if module in _blocklisted_modules:
            raise UnpicklingError(f"Trying to load unsupported GLOBAL {full_path} whose module {module} is blocked.")
        for table in (_get_allowed_globals(), _get_user_allowed_globals()):
            if full_path in table:
                self.stack.append(table[full_path])
                return
        resolve_missing_dtype(module, name)
        if module == "builtins":
            full_path = name
        raise UnpicklingError(
            f"Unsupported global: GLOBAL {full_path} was not an allowed global by default. Please use "
            f"`torch.serialization.add_safe_globals([{full_path}])` or the "
            f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this global "
            "if you trust this class/function.")

    def _is_allowed(self, obj):
        return any(obj is v for table in (_get_allowed_globals(), _get_user_allowed_globals())
                   for v in table.values())

    def _created(self, obj):
        self.created[id(obj)] = obj
        return obj

    def _newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        if cls is Parameter:
            self.stack.append(self._created(Parameter(*args)))
        elif isinstance(cls, type) and self._is_allowed(cls):
            self.stack.append(self._created(cls.__new__(cls, *args)))
        else:
            raise UnpicklingError("Can only create new object for nn.Parameter or classes allowlisted via "
                                  f"`add_safe_globals` but got {cls}")

    def _reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if not self._is_allowed(func):
            message = f"Trying to call reduce for unrecognized function {func}"
            if hasattr(func, "__self__"):
                message += f" which belongs to {func.__self__}"
            raise UnpicklingError(message)
        self.stack[-1] = self._created(func(*args))

    def _build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        user_types = _get_user_allowed_globals().values()
        if id(inst) in self.created and type(inst) in (OrderedDict, Counter):
            inst.__dict__.update(state)
        elif id(inst) in self.created and any(type(inst) is t for t in user_types):
            if hasattr(inst, "__setstate__"):
                inst.__setstate__(state)
            else:  # what pickle's own BUILD does
                slotstate = None
                if isinstance(state, tuple) and len(state) == 2:
                    state, slotstate = state
                if state:
                    inst.__dict__.update(state)
                for k, v in (slotstate or {}).items():
                    setattr(inst, k, v)
        elif isinstance(inst, Tensor):
            raise UnpicklingError("BUILD on a tensor (torch's pre-1.0 checkpoint format) is not supported")
        elif id(inst) in self.created and self._is_allowed(type(inst)):  # set(), torch.Size(...): no __dict__ in torch
            name = ".".join(global_name(type(inst)) or (type(inst).__name__,))
            raise AttributeError(f"'{name}' object has no attribute '__dict__'")
        else:
            raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                                  f"`add_safe_globals`, but got {type(inst)}")

    def _binpersid(self):
        pid = self.stack.pop()
        if type(pid) is not tuple and type(pid) is not int:
            raise UnpicklingError(f"persistent_load id must be tuple or int, but got {type(pid)}")
        if type(pid) is tuple and len(pid) > 0 and _maybe_decode_ascii(pid[0]) != "storage":
            raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {type(pid[0])}")
        self.stack.append(self.persistent_load(pid))

    def persistent_load(self, pid):
        raise UnpicklingError("unsupported persistent id encountered")

    # -- containers ------------------------------------------------------------------------
    def _append(self):
        item = self.stack.pop()
        self._check_append_target(self.stack[-1]).append(item)

    def _appends(self):
        items = self._pop_mark()
        self._check_append_target(self.stack[-1]).extend(items)

    def _check_append_target(self, obj):
        if type(obj) is not list and not (isinstance(obj, list) and type(obj) in _get_user_allowed_globals().values()):
            raise UnpicklingError(f"Can only append to lists, but got {type(obj)}")
        return obj

    def _setitem(self):
        value, key = self.stack.pop(), self.stack.pop()
        self._check_set_item_target("SETITEM")[key] = value

    def _setitems(self):
        items = self._pop_mark()
        target = self._check_set_item_target("SETITEMS")
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def _check_set_item_target(self, opcode):
        if type(self.stack[-1]) not in (dict, OrderedDict, Counter):
            raise UnpicklingError(f"Can only {opcode} for dict, collections.OrderedDict, collections.Counter, "
                                  f"but got {type(self.stack[-1])}")
        return self.stack[-1]

    def _mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def _pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _tuple(self):
        items = tuple(self._pop_mark())  # (before reading self.stack: popping the mark replaces it)
        self.stack.append(items)

    def _tuple_n(n):
        def handler(self):
            if len(self.stack) < n:
                raise IndexError("pop from empty list")
            items = tuple(self.stack[len(self.stack) - n:])
            del self.stack[len(self.stack) - n:]
            self.stack.append(items)
        return handler

    # -- values, memo, protocol ------------------------------------------------------------
    def _push(value_of):
        def handler(self):
            self.stack.append(value_of(self))
        return handler

    def _binunicode(self):
        n = unpack("<I", self.read(4))[0]
        if n > maxsize:
            raise UnpicklingError("String is too long")
        return str(self.read(n), "utf-8", "surrogatepass")

    def _short_binstring(self):
        data = self.read(self.read(1)[0])
        return data if self.encoding == "bytes" else data.decode(self.encoding, "strict")

    def _get(self, idx):
        if idx not in self.memo:
            raise KeyError(f"memo key {idx} not found: the pickle refers to an object it never stored")
        self.stack.append(self.memo[idx])

    def _put(self, idx):
        if idx < 0:
            raise ValueError("negative argument")
        self.memo[idx] = self.stack[-1]

    def _proto(self):
        self.proto = self.read(1)[0]
        if self.proto != 2:
            warnings.warn(f"Detected pickle protocol {self.proto} in the checkpoint, which was not the default "
                          "pickle protocol used by `torch.load` (2). The weights_only Unpickler might not support "
                          "all instructions implemented by this protocol, please file an issue for adding support "
                          "if you encounter this.", stacklevel=4)

    _DISPATCH = {
        ord("c"): _global, 0x81: _newobj, ord("R"): _reduce, ord("b"): _build, ord("Q"): _binpersid,
        ord("a"): _append, ord("e"): _appends, ord("s"): _setitem, ord("u"): _setitems,
        ord("("): _mark, ord("t"): _tuple, 0x85: _tuple_n(1), 0x86: _tuple_n(2), 0x87: _tuple_n(3),
        ord("N"): _push(lambda self: None), 0x89: _push(lambda self: False), 0x88: _push(lambda self: True),
        ord(")"): _push(lambda self: ()), ord("]"): _push(lambda self: []), ord("}"): _push(lambda self: {}),
        0x8f: _push(lambda self: set()),
        ord("J"): _push(lambda self: unpack("<i", self.read(4))[0]),
        ord("K"): _push(lambda self: self.read(1)[0]),
        ord("M"): _push(lambda self: unpack("<H", self.read(2))[0]),
        ord("G"): _push(lambda self: unpack(">d", self.read(8))[0]),
        0x8a: _push(lambda self: decode_long(self.read(self.read(1)[0]))),
        ord("X"): _push(_binunicode), ord("U"): _push(_short_binstring),
        ord("h"): lambda self: self._get(self.read(1)[0]),
        ord("j"): lambda self: self._get(unpack("<I", self.read(4))[0]),
        ord("q"): lambda self: self._put(self.read(1)[0]),
        ord("r"): lambda self: self._put(unpack("<I", self.read(4))[0]),
        0x80: _proto,
    }
    del _tuple_n, _push


def _maybe_decode_ascii(value):
    return value.decode("ascii") if isinstance(value, bytes) else value


def load(file, *, encoding="ASCII"):
    return Unpickler(file, encoding=encoding).load()
