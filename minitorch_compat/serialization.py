"""``torch.save`` / ``torch.load``: checkpoints in torch's own file format.

The format (what ``torch.save`` writes since torch 1.6)
-------------------------------------------------------
An uncompressed zip archive whose entries all sit in one folder (``archive/`` for file
objects, the file's stem for paths)::

    archive/data.pkl                 the object, pickled (protocol 2)
    archive/.format_version          "1"
    archive/.storage_alignment       "64"
    archive/byteorder                "little"
    archive/data/0, data/1, ...      raw bytes of each tensor storage
    archive/version                  "3\\n"
    archive/.data/serialization_id   an id string

Every entry's bytes start at a multiple of 64 in the file (padding goes into the local
header's extra field, tagged ``FB``), so a loader could memory-map storages.

Inside ``data.pkl`` a tensor is a call ``torch._utils._rebuild_tensor_v2(storage,
storage_offset, size, stride, requires_grad, backward_hooks)``. ``storage`` is a
*persistent id*: the tuple ``("storage", torch.FloatStorage, "0", "cpu", numel)`` naming
the entry ``data/0``. Views of one storage (tied weights, slices) refer to the same key,
which is how sharing survives a round trip. Dtypes without a legacy storage class
(uint16/32/64) use ``_rebuild_tensor_v3`` with an untyped storage and an explicit dtype.
A ``Parameter`` wraps the tensor call in ``_rebuild_parameter(tensor, requires_grad,
OrderedDict())``. A module's ``state_dict`` is a ``collections.OrderedDict`` with a
``_metadata`` attribute, restored by pickle's BUILD opcode.

How this file does it
---------------------
* ``save`` writes the pickle opcodes itself (``_Pickler``: a few dozen lines covering
  None/bool/int/float/str/bytes, tuples, lists, dicts, OrderedDicts, sets, dtypes, Size,
  device, tensors and parameters), because pickle's own Pickler insists on importing the
  module of every global it writes, and ``torch._utils`` must never be imported here. It
  then writes the zip archive itself (``_ZipWriter``), aligned like torch's, with ZIP64
  records when an entry or offset passes 4 GiB. Saving to a path goes through a
  temporary file in the same folder, renamed over the target at the end, so a crash
  never leaves a half-written checkpoint.
* ``load`` opens the archive with ``zipfile`` and unpickles with a *restricted*
  ``pickle.Unpickler``: ``find_class`` maps the handful of globals a weights file needs
  (the rebuild functions, storage classes, dtypes, ``OrderedDict``, ``Size``...) to our
  own objects and refuses everything else with an ``UnpicklingError`` naming the
  global. So loading never runs code from the file, whatever ``weights_only`` says.

Where we differ from torch on purpose: only these "weights" kinds of objects can be saved
(torch pickles arbitrary Python objects, e.g. whole modules); ``weights_only=False`` is
accepted but loading stays restricted; the legacy pre-1.6 (non-zip) format is not read.
"""
import io
import os
import pickle
import struct
import sys
import tempfile
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._tensor import Tensor, Size, device as _device, _wrap

__all__ = ["save", "load"]

# ---------------------------------------------------------------------------------------
# dtypes <-> storage classes
# ---------------------------------------------------------------------------------------
_STORAGE_NAMES = {  # legacy typed storage class names, as torch pickles them
    "float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
    "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage", "int8": "CharStorage",
    "uint8": "ByteStorage", "bool": "BoolStorage",
    "complex64": "ComplexFloatStorage", "complex128": "ComplexDoubleStorage",
}
_STORAGE_DTYPES = {v: k for k, v in _STORAGE_NAMES.items()}


def _dtype_by_name(name):
    return getattr(_dtype, "bool_" if name == "bool" else name)


class _StorageType:
    """What ``torch.FloatStorage`` (etc.) unpickles to: just the element dtype."""

    def __init__(self, np_dtype):
        self.np_dtype = np_dtype


_UNTYPED = _StorageType(np.dtype(np.uint8))  # torch.storage.UntypedStorage: raw bytes


# ---------------------------------------------------------------------------------------
# save: the pickle writer
# ---------------------------------------------------------------------------------------
_SAVE_TYPES = ("tensors, Python numbers, strings, bytes, None, dtypes, torch.Size, torch.device and "
               "lists/tuples/dicts/sets of them")


class _Pickler:
    """Writes protocol-2 pickle opcodes for the object kinds a checkpoint holds.

    Lists, dicts and tensors are memoized (BINPUT/BINGET), so an object referenced twice
    is one object again after loading, exactly as with pickle. Tensor storages are
    collected in ``self.storages`` (key -> contiguous array) for the zip writer.
    """

    def __init__(self):
        self.out = io.BytesIO()
        self.memo = {}         # id(obj) -> memo index
        self.keep = []         # keep memoized objects alive so ids stay unique
        self.storages = {}     # key -> 1-d contiguous array (the bytes of data/<key>)
        self.storage_keys = {}  # id(root array) -> key

    def dump(self, obj):
        self.out.write(b"\x80\x02")
        self.save(obj)
        self.out.write(b".")
        return self.out.getvalue()

    # -- primitives ----------------------------------------------------------------
    def _put(self, obj):
        idx = len(self.memo)
        self.memo[id(obj)] = idx
        self.keep.append(obj)
        self.out.write(b"q" + bytes([idx]) if idx < 256 else b"r" + struct.pack("<I", idx))

    def _get(self, idx):
        self.out.write(b"h" + bytes([idx]) if idx < 256 else b"j" + struct.pack("<I", idx))

    def _global(self, module, name):
        self.out.write(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def _tuple(self, items):
        if not items:
            self.out.write(b")")
            return
        if len(items) > 3:
            self.out.write(b"(")
        for x in items:
            self.save(x)
        self.out.write({1: b"\x85", 2: b"\x86", 3: b"\x87"}.get(len(items), b"t"))

    def _call(self, module, name, args):
        self._global(module, name)
        self._tuple(args)
        self.out.write(b"R")

    def save(self, obj):
        w = self.out.write
        if id(obj) in self.memo:
            self._get(self.memo[id(obj)])
            return
        if isinstance(obj, np.generic) and not isinstance(obj, np.ndarray):
            obj = obj.item()  # NumPy scalars are stored as the Python numbers they hold
        if obj is None:
            w(b"N")
        elif obj is True or obj is False:
            w(b"\x88" if obj else b"\x89")
        elif type(obj) is int:
            if 0 <= obj < 256:
                w(b"K" + bytes([obj]))
            elif 0 <= obj < 65536:
                w(b"M" + struct.pack("<H", obj))
            elif -2 ** 31 <= obj < 2 ** 31:
                w(b"J" + struct.pack("<i", obj))
            else:
                n = (obj.bit_length() + 8) // 8  # room for the sign bit
                w(b"\x8a" + bytes([n]) + obj.to_bytes(n, "little", signed=True))
        elif type(obj) is float:
            w(b"G" + struct.pack(">d", obj))
        elif type(obj) is str:
            data = obj.encode("utf-8", "surrogatepass")
            w(b"X" + struct.pack("<I", len(data)) + data)
        elif type(obj) is bytes:
            self._call("_codecs", "encode", (obj.decode("latin1"), "latin1"))
        elif type(obj) is complex:
            self._call("__builtin__", "complex", (obj.real, obj.imag))
        elif isinstance(obj, Tensor):
            self._save_tensor(obj)
        elif isinstance(obj, _dtype.dtype):
            self._global("torch", obj._name)
        elif isinstance(obj, Size):
            self._call("torch", "Size", (tuple(obj),))
        elif isinstance(obj, _device):
            self._call("torch", "device", (str(obj),))
        elif type(obj) is tuple:
            self._tuple(obj)
        elif type(obj) is list:
            w(b"]")
            self._put(obj)
            if obj:
                w(b"(")
                for x in obj:
                    self.save(x)
                w(b"e")
        elif type(obj) is dict:
            w(b"}")
            self._put(obj)
            self._items(obj)
        elif type(obj) is OrderedDict:
            self._global("collections", "OrderedDict")
            w(b")R")
            self._put(obj)
            self._items(obj)
            state = getattr(obj, "__dict__", None)
            if state:  # e.g. a state_dict's _metadata attribute
                self.save(dict(state))
                w(b"b")
        elif type(obj) in (set, frozenset):
            self._call("__builtin__", type(obj).__name__, (list(obj),))
        else:
            raise pickle.PicklingError(f"minitorch_compat.save cannot store an object of type "
                                       f"{type(obj).__module__}.{type(obj).__qualname__}; it stores {_SAVE_TYPES}")

    def _items(self, d):
        if d:
            self.out.write(b"(")
            for k, v in d.items():
                self.save(k)
                self.save(v)
            self.out.write(b"u")

    # -- tensors ---------------------------------------------------------------------
    def _save_tensor(self, t):
        from .nn.parameter import Parameter
        if isinstance(t, Parameter):
            self._global("torch._utils", "_rebuild_parameter")
            self._tensor_call(t, requires_grad=False)
            self.save(t._requires_grad)
            self._global("collections", "OrderedDict")
            self.out.write(b")R\x87R")
        else:
            self._tensor_call(t, t._requires_grad)
        self._put(t)

    def _tensor_call(self, t, requires_grad):
        arr = t._data
        owner, root, offset, strides = _storage_view(arr)
        key = self.storage_keys.get(id(owner))
        if key is None:
            key = str(len(self.storages))
            self.storage_keys[id(owner)] = key
            self.storages[key] = root
            self.keep.append(owner)
        name = _STORAGE_NAMES.get(arr.dtype.name)
        self._global("torch._utils", "_rebuild_tensor_v2" if name else "_rebuild_tensor_v3")
        self.out.write(b"((X\x07\x00\x00\x00storage")
        if name:
            self._global("torch", name)
            numel = root.size
        else:
            self._global("torch.storage", "UntypedStorage")
            numel = root.nbytes
        self.save(key)
        self.save("cpu")
        self.save(numel)
        self.out.write(b"tQ")  # the persistent id tuple, then BINPERSID
        self.save(offset)
        self._tuple(tuple(arr.shape))
        self._tuple(strides)
        self.save(bool(requires_grad))
        self._global("collections", "OrderedDict")
        self.out.write(b")R")
        if not name:
            self._global("torch", arr.dtype.name)
        self.out.write(b"tR")


def _storage_view(arr):
    """``(owner, flat, offset, strides)``: the contiguous buffer ``arr`` views (``owner``,
    flattened as ``flat``), and ``arr``'s offset and strides in elements.

    Views of one NumPy buffer map onto one torch storage, so sharing is preserved. When
    ``arr`` cannot be described that way (negative or odd strides, a dtype
    reinterpretation), its own contiguous copy becomes its storage.
    """
    if not arr.dtype.isnative:  # e.g. from_numpy of a big-endian array: store native bytes
        arr = arr.astype(arr.dtype.newbyteorder("="))
    item = arr.itemsize
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root is not arr and root.flags.c_contiguous and root.dtype == arr.dtype and arr.size:
        start = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        if start >= 0 and start % item == 0 and all(s >= 0 and s % item == 0 for s in arr.strides):
            end = start + sum((n - 1) * s for n, s in zip(arr.shape, arr.strides)) + item
            if end <= root.nbytes:
                return root, root.reshape(-1), start // item, tuple(s // item for s in arr.strides)
    if arr.flags.c_contiguous and root is arr:
        return arr, arr.reshape(-1), 0, _contiguous_strides(arr.shape)
    copy = np.ascontiguousarray(arr)
    return copy, copy.reshape(-1), 0, _contiguous_strides(arr.shape)


def _contiguous_strides(shape):
    strides, acc = [], 1
    for n in reversed(shape):
        strides.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(strides))


# ---------------------------------------------------------------------------------------
# save: the zip writer
# ---------------------------------------------------------------------------------------
_ALIGN = 64
_ZIP64_LIMIT = 0xFFFFFFFF  # sizes/offsets from here on need ZIP64 records
_U32_MAX = 0xFFFFFFFF      # the 32-bit field value meaning "see the ZIP64 record"
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the zip epoch


class _ZipWriter:
    """Streams uncompressed entries into ``f`` with 64-byte-aligned data, then the
    central directory. Entries larger than 4 GiB, or starting past 4 GiB, get ZIP64
    extra fields and the archive a ZIP64 end record."""

    def __init__(self, f):
        self.f = f
        self.pos = 0
        self.entries = []

    def write(self, name, data):
        data = memoryview(data).cast("B")
        name_b = name.encode("utf-8")
        size, crc = data.nbytes, zlib.crc32(data)
        offset = self.pos
        zip64 = size >= _ZIP64_LIMIT or offset >= _ZIP64_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        start = offset + 30 + len(name_b) + len(extra) + 4
        pad = (-start) % _ALIGN
        extra += b"FB" + struct.pack("<H", pad) + b"Z" * pad
        size32 = _U32_MAX if zip64 else size
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if zip64 else 20, 0x0800, 0, 0, _DOS_DATE, crc,
                             size32, size32, len(name_b), len(extra))
        self._out(header + name_b + extra)
        self._out(data)
        self.entries.append((name_b, crc, size, offset))

    def _out(self, b):
        self.f.write(b)
        self.pos += len(b)

    def close(self):
        cd_start = self.pos
        any64 = False
        for name_b, crc, size, offset in self.entries:
            extra = b""
            size32, off32 = size, offset
            if size >= _ZIP64_LIMIT or offset >= _ZIP64_LIMIT:
                extra = struct.pack("<HHQQQ", 1, 24, size, size, offset)
                size32 = off32 = _U32_MAX
                any64 = True
            self._out(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45 if extra else 20, 45 if extra else 20,
                                  0x0800, 0, 0, _DOS_DATE, crc, size32, size32, len(name_b), len(extra), 0, 0, 0,
                                  0, off32) + name_b + extra)
        cd_size = self.pos - cd_start
        n = len(self.entries)
        if any64 or cd_start >= _ZIP64_LIMIT or n >= 0xFFFF:
            eocd64 = self.pos
            self._out(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, cd_size, cd_start))
            self._out(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
            self._out(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
        else:
            self._out(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_start, 0))


def _write_archive(f, obj, archive_name):
    pickler = _Pickler()
    data_pkl = pickler.dump(obj)
    z = _ZipWriter(f)
    p = archive_name + "/"
    z.write(p + "data.pkl", data_pkl)
    z.write(p + ".format_version", b"1")
    z.write(p + ".storage_alignment", str(_ALIGN).encode())
    z.write(p + "byteorder", sys.byteorder.encode())
    for key, arr in pickler.storages.items():
        z.write(p + "data/" + key, arr if arr.flags.c_contiguous else np.ascontiguousarray(arr))
    z.write(p + "version", b"3\n")
    z.write(p + ".data/serialization_id", str(int.from_bytes(os.urandom(16), "big")).zfill(40)[:40].encode())
    z.close()


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (typically ``model.state_dict()``) to ``f`` in torch's checkpoint format.

    ``f`` is a path (written atomically: a temporary file in the same folder, renamed
    over ``f`` once complete) or a writable binary file object. The result loads with
    ``torch.load(f, weights_only=True)`` as well as with our ``load``.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("minitorch_compat.save writes its own pickle; pickle_module is not supported")
    if not _use_new_zipfile_serialization:
        raise ValueError("minitorch_compat.save only writes the zip format (_use_new_zipfile_serialization=True)")
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise RuntimeError(f"Parent directory {folder} does not exist.")
        name = os.path.splitext(os.path.basename(path))[0] or "archive"
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                _write_archive(out, obj, name)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    else:
        _write_archive(f, obj, "archive")


# ---------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------
class _Storage:
    """A loaded storage: its raw bytes (a writable uint8 array) and its element dtype."""

    def __init__(self, raw, np_dtype):
        self.raw = raw
        self.np_dtype = np_dtype


def _as_int_tuple(x, what):
    if not isinstance(x, tuple) or not all(type(v) is int for v in x):
        raise pickle.UnpicklingError(f"corrupt checkpoint: tensor {what} must be a tuple of ints, got {x!r}")
    return x


def _tensor_from_storage(storage, storage_offset, size, stride, np_dtype):
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("corrupt checkpoint: a tensor does not refer to a storage")
    size, stride = _as_int_tuple(size, "size"), _as_int_tuple(stride, "stride")
    if type(storage_offset) is not int or storage_offset < 0 or len(size) != len(stride) or \
            any(n < 0 for n in size) or any(s < 0 for s in stride):
        raise pickle.UnpicklingError("corrupt checkpoint: invalid tensor geometry "
                                     f"(offset {storage_offset!r}, size {size}, stride {stride})")
    np_dtype = np.dtype(np_dtype)
    if storage.raw.nbytes % np_dtype.itemsize:
        raise pickle.UnpicklingError("corrupt checkpoint: storage size is not a multiple of its element size")
    elems = storage.raw.view(np_dtype)
    if 0 in size:
        return np.empty(size, dtype=np_dtype)
    last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= elems.size:
        raise pickle.UnpicklingError(f"corrupt checkpoint: tensor of size {list(size)} at offset {storage_offset} "
                                     f"does not fit in its storage of {elems.size} elements")
    return np.lib.stride_tricks.as_strided(elems[storage_offset:], shape=size,
                                           strides=tuple(s * np_dtype.itemsize for s in stride))


def _finish_tensor(arr, requires_grad):
    t = _wrap(arr)
    if requires_grad is True and arr.dtype.kind in "fc":
        t._requires_grad = True
    return t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    dt = storage.np_dtype if isinstance(storage, _Storage) else None
    return _finish_tensor(_tensor_from_storage(storage, storage_offset, size, stride, dt), requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    if not isinstance(dtype, _dtype.dtype):
        raise pickle.UnpicklingError(f"corrupt checkpoint: expected a dtype, got {dtype!r}")
    return _finish_tensor(_tensor_from_storage(storage, storage_offset, size, stride, dtype._np), requires_grad)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from .nn.parameter import Parameter
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError("corrupt checkpoint: a Parameter must wrap a tensor")
    return Parameter(data, bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _rebuild_parameter(data, requires_grad, backward_hooks)  # extra Python attributes are dropped


def _allowed_globals():
    allowed = {
        ("collections", "OrderedDict"): OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch.storage", "UntypedStorage"): _UNTYPED,
        ("torch", "UntypedStorage"): _UNTYPED,
        ("torch", "Size"): Size,
        ("torch", "device"): _device,
        ("_codecs", "encode"): _latin1_encode,
    }
    for builtins in ("__builtin__", "builtins"):
        allowed.update({(builtins, "set"): set, (builtins, "frozenset"): frozenset,
                        (builtins, "bytearray"): bytearray, (builtins, "complex"): complex})
    for storage_name, dtype_name in _STORAGE_DTYPES.items():
        allowed[("torch", storage_name)] = _StorageType(_dtype_by_name(dtype_name)._np)
    for name in ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
                 "complex64", "complex128", "uint16", "uint32", "uint64"):
        allowed[("torch", name)] = _dtype_by_name(name)
    return allowed


def _latin1_encode(text, encoding="latin1", errors="strict"):
    # How protocol-2 pickles spell bytes: _codecs.encode(str, "latin1").
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("corrupt checkpoint: unexpected use of _codecs.encode")
    return text.encode("latin1")


_ALLOWED = None
_UNSUPPORTED_TORCH_NAMES = {"BFloat16Storage", "bfloat16", "ComplexHalfStorage", "complex32", "QInt8Storage",
                            "QUInt8Storage", "QInt32Storage", "float8_e4m3fn", "float8_e5m2"}


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only the globals a weights file needs; storages come from the zip."""

    def __init__(self, file, load_storage):
        super().__init__(file, encoding="utf-8")
        self._load_storage = load_storage

    def find_class(self, module, name):
        global _ALLOWED
        if _ALLOWED is None:
            _ALLOWED = _allowed_globals()
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            if module == "torch" and name in _UNSUPPORTED_TORCH_NAMES:
                raise pickle.UnpicklingError(
                    f"this checkpoint uses torch.{name}, a dtype minitorch_compat does not support") from None
            raise pickle.UnpicklingError(
                f"Weights only load failed: the checkpoint refers to the global '{module}.{name}', which is not "
                "allowed. minitorch_compat.load reads only tensors, numbers, strings and containers of them "
                "(state_dicts, optimizer states) and never runs code from a file.") from None

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType) and isinstance(pid[2], str) and type(pid[4]) is int):
            raise pickle.UnpicklingError(f"corrupt checkpoint: unsupported persistent id {pid!r}")
        _, storage_type, key, location, numel = pid
        return self._load_storage(key, storage_type.np_dtype, numel, location)


_CUDA_MSG = ("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are "
             "running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your "
             "storages to the CPU.")


def _target_location(location, map_location):
    """Where a storage saved at ``location`` goes; only the CPU exists here."""
    loc = location
    if map_location is None:
        pass
    elif isinstance(map_location, dict):
        loc = map_location.get(location, location)
    elif isinstance(map_location, (str, _device)):
        loc = str(map_location)
    elif callable(map_location):
        loc = "cpu"  # a callable would receive torch storages; we treat it as "keep on CPU"
    else:
        raise TypeError(f"map_location should be a str, torch.device, dict or callable, got {type(map_location)}")
    loc = str(loc)
    if loc.startswith("cuda"):
        raise RuntimeError(_CUDA_MSG)
    if loc != "cpu" and not loc.startswith("cpu"):
        raise RuntimeError(f"minitorch_compat runs on the CPU only; cannot load storages onto '{loc}'")


def _open_zip(f):
    if isinstance(f, (str, os.PathLike)):
        source = os.fspath(f)
        fobj = open(f, "rb")
    else:
        source = getattr(f, "name", "<file object>")
        if not (hasattr(f, "seekable") and f.seekable()):
            f = io.BytesIO(f.read())
        fobj = f
    pos = fobj.tell()
    head = fobj.read(4)
    fobj.seek(pos)
    try:
        return zipfile.ZipFile(fobj), fobj, source
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        if fobj is not f:
            fobj.close()
        if head[:2] == b"\x80\x02" or head[:1] == b"\x80":
            raise RuntimeError(f"{source}: this checkpoint uses torch's legacy (pre-1.6, non-zip) format, which "
                               "minitorch_compat does not read; re-save it with torch.save in a current torch") from None
        if head == b"PK\x03\x04":
            raise RuntimeError(f"{source}: truncated or corrupt checkpoint (the zip archive is incomplete: {e})") from None
        raise RuntimeError(f"{source}: not a torch checkpoint (expected the zip archive torch.save writes)") from None


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load an object saved by ``torch.save`` or our ``save``.

    ``map_location`` may be ``"cpu"``, a ``torch.device``, a dict or a callable, as in
    torch; every storage ends up on the CPU (asking for CUDA fails like a CPU-only torch).
    ``weights_only`` is accepted; loading is always restricted to weights-like objects.
    """
    zf, fobj, source = _open_zip(f)
    try:
        names = zf.namelist()
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if not pkl:
            raise RuntimeError(f"{source}: not a torch checkpoint (no data.pkl record in the archive)")
        prefix = pkl[0][: -len("data.pkl")]
        byteorder = "little"
        if prefix + "byteorder" in names:
            byteorder = zf.read(prefix + "byteorder").decode("ascii", "replace")
            if byteorder not in ("little", "big"):
                raise ValueError("Unknown endianness type: " + byteorder)
        loaded = {}

        def load_storage(key, np_dtype, numel, location):
            _target_location(location, map_location)
            raw = loaded.get(key)
            if raw is None:
                name = prefix + "data/" + key
                try:
                    info = zf.getinfo(name)
                except KeyError:
                    raise RuntimeError(f"{source}: corrupt checkpoint: record '{name}' is missing") from None
                nbytes = numel * np.dtype(np_dtype).itemsize
                if info.file_size != nbytes:
                    raise RuntimeError(f"{source}: corrupt checkpoint: record '{name}' holds {info.file_size} bytes, "
                                       f"expected {nbytes}")
                raw = np.empty(nbytes, dtype=np.uint8)
                with zf.open(info) as src:
                    got = src.readinto(memoryview(raw)) if nbytes else 0
                    if got != nbytes:
                        raise RuntimeError(f"{source}: truncated checkpoint: record '{name}' is incomplete")
                if byteorder != sys.byteorder and np.dtype(np_dtype).itemsize > 1:
                    raw.view(np_dtype).byteswap(inplace=True)
                loaded[key] = raw
            return _Storage(raw, np.dtype(np_dtype))

        try:
            with zf.open(prefix + "data.pkl") as pf:
                return _RestrictedUnpickler(io.BytesIO(pf.read()), load_storage).load()
        except zipfile.BadZipFile as e:
            raise RuntimeError(f"{source}: corrupt checkpoint ({e})") from None
        except (EOFError, struct.error, IndexError, KeyError, TypeError, ValueError, AttributeError) as e:
            if isinstance(e, ValueError) and str(e).startswith("Unknown endianness"):
                raise
            raise pickle.UnpicklingError(f"{source}: corrupt checkpoint, its data.pkl could not be read: "
                                         f"{type(e).__name__}: {e}") from None
    finally:
        zf.close()
        if fobj is not f:
            fobj.close()
