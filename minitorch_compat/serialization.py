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
storage_offset, size, stride, requires_grad, backward_hooks)`` (see ``_utils.py``).
``storage`` is a *persistent id*: the tuple ``("storage", torch.FloatStorage, "0",
"cpu", numel)`` naming the entry ``data/0``. Views of one storage (tied weights, slices)
refer to the same key, which is how sharing survives a round trip. Everything else is
ordinary pickling: a module's ``state_dict`` is an ``OrderedDict`` whose ``_metadata``
attribute comes back through pickle's BUILD opcode, and ``torch.save(model)`` pickles the
model object itself, its classes by reference (``torch.nn.modules.linear.Linear``).

Before 1.6, ``torch.save`` wrote the *legacy* format, still read by ``torch.load`` (and
written with ``_use_new_zipfile_serialization=False``): five pickles in a row (a magic
number, a protocol version, system info, the object, the list of storage keys), then
each storage's element count (8 bytes) and raw bytes.

How this file does it
---------------------
* ``save`` pickles with pickle's own Python ``Pickler`` (``_Pickler``), taught what
  torch's ``Tensor.__reduce_ex__`` and persistent ids do: a tensor becomes the rebuild
  call, its storage a persistent id, and each of our stand-ins for a torch global (a
  dtype, ``Size``, ``nn.Linear``...) is written under torch's name, so real torch loads
  the file. ``_ZipWriter`` then writes the archive, aligned like torch's, with ZIP64
  records past 4 GiB.
* Saving to a path (``_save_to_path``) writes a temporary file beside the target and
  renames it over the target at the end, so a crash never leaves a half-written
  checkpoint. Where a rename would change what the path is (a FIFO, a device, a hard
  link), it writes through the path as torch does.
* ``load`` reads the zip (or the legacy stream), each storage once, straight into the
  array its tensors will view (``_read_storage``), with the zip's CRC checked; then it
  unpickles ``data.pkl``. With ``weights_only=True`` (the default, as in torch) that is
  ``_weights_only_unpickler``, which never runs code from the file; with
  ``weights_only=False`` it is pickle's own unpickler with torch's global names mapped to
  ours, torch's contract for a file the caller trusts.

Where we differ from torch on purpose: the CRC of every record is checked (torch skips
it, so a flipped bit loads silently there); the file name appears in errors about a
damaged file; ``mmap`` is accepted but storages are always read into memory; a
``map_location`` naming ``meta`` or any accelerator fails, as only the CPU exists here.
"""
import copyreg
import importlib
import io
import os
import pickle
import re
import stat
import struct
import sys
import warnings
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import _dtype, _utils
from . import _weights_only_unpickler
from ._run import MissingModule, NotImplementedInMinitorch, _real_name, _unsupported
from ._tensor import Size, Tensor, device as _device, _wrap
from .nn.modules.module import Module
from .nn.parameter import Parameter
from ._bfloat16 import to_bits
from .storage import LEGACY_STORAGE_DTYPES, STORAGE_TYPES, StorageType, TypedStorage, UntypedStorage

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals",
           "StorageType"]


# ---------------------------------------------------------------------------------------
# The allowlist of weights_only loading (torch.serialization's public functions)
# ---------------------------------------------------------------------------------------
def add_safe_globals(safe_globals):
    """Allow ``weights_only`` loading to use these classes/functions (or ``(obj, "module.name")``)."""
    _weights_only_unpickler._add_safe_globals(safe_globals)


def get_safe_globals():
    return _weights_only_unpickler._get_safe_globals()


def clear_safe_globals():
    _weights_only_unpickler._clear_safe_globals()


class safe_globals:
    """``with safe_globals([MyClass]): torch.load(...)``: ``add_safe_globals`` for one block."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        _weights_only_unpickler._add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _weights_only_unpickler._remove_safe_globals(self.safe_globals)


# ---------------------------------------------------------------------------------------
# save: the pickler
# ---------------------------------------------------------------------------------------
_STORAGE_TYPE_OF = {dtype: STORAGE_TYPES[name] for name, dtype in LEGACY_STORAGE_DTYPES.items()}


class _PersistentStorage:
    """Stands in for a tensor's storage inside the rebuild call; pickled as its persistent id."""

    def __init__(self, pid):
        self.pid = pid


def _reduce_module(module):
    """pickle's own reduction of a module, its state completed with the two attributes torch's
    Module has and ours does not (full backward hooks), so that real torch can run a model
    we saved; None for a module class that pickles itself its own way."""
    kind = type(module)
    if kind.__reduce_ex__ is not object.__reduce_ex__ or kind.__reduce__ is not object.__reduce__:
        return None
    state = module.__getstate__()
    if isinstance(state, dict):
        state = {"_backward_hooks": OrderedDict(), "_is_full_backward_hook": None, **state}
    return copyreg.__newobj__, (kind,), state


class _Pickler(pickle._Pickler):
    """pickle's Python Pickler, writing what torch's pickler writes for tensors and torch globals.

    pickle's C Pickler cannot be used: it checks each global it writes by importing its
    module, and ``torch._utils`` must never be imported here. Tensor storages are collected
    in ``self.storages`` (key -> contiguous 1-d array) for the zip writer.
    """

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = {}
        self.storage_keys = {}  # id(the NumPy buffer a storage is) -> key
        self.keep = []          # those buffers, kept alive so their ids stay unique

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, np.generic):  # our engine may hand out NumPy scalars where torch has Python numbers
            obj = obj.item()
        super().save(obj, save_persistent_id)

    def persistent_id(self, obj):
        return obj.pid if type(obj) is _PersistentStorage else None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if isinstance(obj, _device):
            return _device, (str(obj),)
        if isinstance(obj, Size):
            return Size, (tuple(obj),)
        if isinstance(obj, Module):
            return _reduce_module(obj) or NotImplemented
        name = _weights_only_unpickler.global_name(obj)
        return name[1] if name else NotImplemented  # a str: "save as a global", by save_global below

    def save_global(self, obj, name=None):
        torch_name = _weights_only_unpickler.global_name(obj)
        if torch_name is None:
            return super().save_global(obj, name)
        self.write(pickle.GLOBAL + "\n".join(torch_name).encode("utf-8") + b"\n")
        self.memoize(obj)

    def _reduce_tensor(self, t):
        """What torch's ``Tensor.__reduce_ex__`` returns: the rebuild call and its arguments."""
        if isinstance(t, Parameter):
            return _utils._rebuild_parameter, (_wrap(t._data), t.requires_grad, OrderedDict())
        owner, flat, offset, strides = _storage_view(t._data)
        dtype = _dtype.of_array(t._data)
        key = self.storage_keys.get(id(owner))
        if key is None:
            key = self.storage_keys[id(owner)] = str(len(self.storages))
            # (bfloat16 is held as float32 here: torch's storage holds its 2-byte encodings)
            self.storages[key] = to_bits(flat) if dtype is _dtype.bfloat16 else flat
            self.keep.append(owner)
        storage_type = _STORAGE_TYPE_OF.get(dtype, UntypedStorage)
        numel = flat.nbytes if storage_type is UntypedStorage else flat.size
        args = (_PersistentStorage(("storage", storage_type, key, "cpu", numel)), offset, tuple(t.shape), strides,
                t.requires_grad, OrderedDict())
        if storage_type is UntypedStorage:  # uint16/32/64: no legacy storage class, so the dtype is explicit
            return _utils._rebuild_tensor_v3, args + (dtype,)
        return _utils._rebuild_tensor_v2, args


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


def _pickle(obj, protocol):
    """``obj`` pickled (``data.pkl``'s bytes) and the storages its tensors refer to."""
    data_pkl = io.BytesIO()
    pickler = _Pickler(data_pkl, protocol)
    pickler.dump(obj)
    return data_pkl.getbuffer(), pickler.storages


def _write_archive(f, data_pkl, storages, archive_name):
    z = _ZipWriter(f)
    p = archive_name + "/"
    z.write(p + "data.pkl", data_pkl)
    z.write(p + ".format_version", b"1")
    z.write(p + ".storage_alignment", str(_ALIGN).encode())
    z.write(p + "byteorder", sys.byteorder.encode())
    for key, arr in storages.items():
        z.write(p + "data/" + key, arr if arr.flags.c_contiguous else np.ascontiguousarray(arr))
    z.write(p + "version", b"3\n")
    z.write(p + ".data/serialization_id", str(int.from_bytes(os.urandom(16), "big")).zfill(40)[:40].encode())
    z.close()


# ---------------------------------------------------------------------------------------
# save: where the bytes go
# ---------------------------------------------------------------------------------------
_TEMP_MARK = ".partial-"  # temporary files are "<name>.partial-<pid>-<random hex>"


def _save_to_path(path, write):
    """Call ``write(file)`` on a file that ends up at ``path``.

    1. Follow symlinks: the file saved is the one the path resolves to (torch's ``open``
       does the same; a dangling link gets its target created).
    2. A regular file, or no file yet: write a temporary file in the same folder, flush it
       to disk, rename it over the target (``_replace``). A crash at any moment leaves the
       old file or the new one, never half of one.
    3. Anything else at the path (a FIFO, a device), a file with several hard links, or a
       folder we may not create files in: write through the path, as torch does. A rename
       would replace the FIFO by a regular file, or give this path a new file while the
       other links keep the old one.
    """
    path = os.fspath(path)
    parent = os.path.dirname(path)
    if parent and not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {parent} does not exist.")
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise RuntimeError(f"cannot save to {path}: it is a directory")
    if (st is None or stat.S_ISREG(st.st_mode) and st.st_nlink == 1) and _replace(target, st, write):
        return
    with open(target, "wb") as f:
        write(f)


def _replace(target, st, write):
    """Write a temporary file beside ``target`` and rename it over ``target``; False when the
    folder does not let us create it.

    The temporary file takes the old file's permission bits; a new file gets
    ``0o666 & ~umask``, as ``open`` would give it. Temporary files of saves killed before
    their rename are found by their name (``<name>.partial-<pid>-<hex>``) and removed by
    the next save to the same path, once their process no longer exists."""
    folder, name = os.path.split(target)
    _remove_stale_temporaries(folder, name)
    tmp = os.path.join(folder, f"{name}{_TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except PermissionError:
        return False
    try:
        with os.fdopen(fd, "wb") as out:
            if st is not None:
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def _remove_stale_temporaries(folder, name):
    prefix = name + _TEMP_MARK
    try:
        entries = [e.name for e in os.scandir(folder) if e.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = entry[len(prefix):].split("-")[0]
        if pid.isdigit() and not _process_exists(int(pid)):
            try:
                os.unlink(os.path.join(folder, entry))
            except OSError:
                pass


def _process_exists(pid):
    if os.name != "posix" or pid == os.getpid():
        return True  # (on Windows os.kill would terminate the process)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (typically ``model.state_dict()``, or a whole model) in torch's checkpoint format.

    ``f`` is a path (saved as ``_save_to_path`` describes) or a binary file object with a
    ``write`` method. Tensors, numbers, containers and state_dicts load with
    ``torch.load(f, weights_only=True)``; other objects (a whole ``nn.Module``) are pickled
    by reference to their classes and load with ``weights_only=False``.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("minitorch_compat.save writes with pickle's own Pickler; pickle_module is not supported")
    if not _use_new_zipfile_serialization:
        raise ValueError("minitorch_compat.save only writes the zip format (_use_new_zipfile_serialization=True)")
    is_path = isinstance(f, (str, os.PathLike))
    if not is_path and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' attribute")
    data_pkl, storages = _pickle(obj, pickle_protocol)  # before touching the file: a pickling error leaves it be
    if is_path:
        name = os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
        _save_to_path(f, lambda out: _write_archive(out, data_pkl, storages, name))
    else:
        _write_archive(f, data_pkl, storages, "archive")
        if hasattr(f, "flush"):
            f.flush()


# ---------------------------------------------------------------------------------------
# load: where each storage goes (map_location)
# ---------------------------------------------------------------------------------------
_CUDA_MSG = ("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are "
             "running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your "
             "storages to the CPU.")


def _default_restore_location(storage, location):
    """torch's ``default_restore_location`` on a CPU-only build: ``"cpu"`` keeps the storage."""
    if not isinstance(location, str):
        raise TypeError(f"expected string or bytes-like object, got '{type(location).__name__}'")
    if location == "cpu":
        return storage
    if location.startswith("cuda"):
        raise RuntimeError(_CUDA_MSG)
    raise RuntimeError(f"don't know how to restore data location of torch.storage.UntypedStorage "
                       f"(tagged with {location})")


def _get_restore_location(map_location):
    """``restore(storage, location)`` for each form of ``map_location``, as torch builds it:
    a dict renames locations, a str or device replaces them, a callable is called with the
    storage (an ``UntypedStorage`` on the CPU) and its saved location, and returns a storage
    or None (None: as if there were no ``map_location``)."""
    if map_location is None:
        return _default_restore_location
    if isinstance(map_location, dict):
        return lambda storage, location: _default_restore_location(storage, map_location.get(location, location))
    if isinstance(map_location, (str, bytes)):
        return lambda storage, location: _default_restore_location(storage, map_location)
    if isinstance(map_location, _device):
        return lambda storage, location: _default_restore_location(storage, str(map_location))

    def restore(storage, location):
        result = map_location(storage, location)
        return _default_restore_location(storage, location) if result is None else result
    return restore


# ---------------------------------------------------------------------------------------
# load: reading storages
# ---------------------------------------------------------------------------------------
_CHUNK = 4 << 20  # storages are copied into place this many bytes at a time
_DEFLATE_MAX_RATIO = 1032  # deflate cannot expand data more than this


def _storage_dtype(storage_type):
    if storage_type is UntypedStorage:
        return _dtype.uint8
    if isinstance(storage_type, StorageType):
        return storage_type.dtype
    raise TypeError(f"a persistent id must name a storage type, got {storage_type!r}")


def _storage_nbytes(numel, dtype, key):
    if type(numel) is not int or not 0 <= numel < 2 ** 63 or type(key) is not str:
        raise TypeError(f"storage {key!r} declares {numel!r} elements; expected a key string and a count in [0, 2**63)")
    return numel * dtype.itemsize


def _read_storage(zf, name, nbytes, archive_size, source):
    """Read record ``name`` (``nbytes`` bytes) into a new array: the storage's final home.

    The record's sizes are checked against ``nbytes`` and the file before anything is
    allocated, so a forged size fails here instead of exhausting memory. It is copied in
    chunks (one extra chunk of memory, not a second copy of the storage); zipfile checks
    its CRC at the end."""
    info = _record_info(zf, name, archive_size, source)
    limit = {zipfile.ZIP_STORED: 1, zipfile.ZIP_DEFLATED: _DEFLATE_MAX_RATIO}.get(info.compress_type)
    if limit is None:
        raise RuntimeError(f"{source}: record '{name}' uses zip compression method {info.compress_type}, "
                           "which torch checkpoints never use")
    if info.file_size != nbytes:
        raise RuntimeError(f"{source}: corrupt checkpoint: record '{name}' holds {info.file_size} bytes, "
                           f"but its storage needs {nbytes}")
    if nbytes > info.compress_size * limit:
        raise RuntimeError(f"{source}: corrupt checkpoint: record '{name}' claims {nbytes} bytes, more than its "
                           f"{info.compress_size} bytes in the file can hold")
    out = np.empty(nbytes, dtype=np.uint8)
    view, pos = memoryview(out), 0
    with _zip_errors(source, name), zf.open(info) as src:
        while pos < nbytes:
            chunk = src.read(min(_CHUNK, nbytes - pos))
            if not chunk:
                raise RuntimeError(f"{source}: truncated checkpoint: record '{name}' ends after {pos} of "
                                   f"{nbytes} bytes")
            view[pos:pos + len(chunk)] = chunk
            pos += len(chunk)
    return out


def _read_record(zf, name, archive_size, source):
    """A small record (``data.pkl``, ``version``...) as bytes."""
    info = _record_info(zf, name, archive_size, source)
    with _zip_errors(source, name):
        return zf.read(info)


def _record_info(zf, name, archive_size, source):
    """The zip's entry for record ``name``, checked to exist and to fit in the file."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise RuntimeError(f"{source}: corrupt checkpoint: the record '{name}' is missing") from None
    if info.header_offset + info.compress_size > archive_size:
        raise RuntimeError(f"{source}: corrupt checkpoint: record '{name}' claims {info.compress_size} bytes, "
                           f"more than the file holds ({archive_size} bytes)")
    return info


class _zip_errors:
    """Turn zipfile's errors while reading a record into a RuntimeError naming file and record."""

    def __init__(self, source, name):
        self.source, self.name = source, name

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if kind is not None and issubclass(kind, (zipfile.BadZipFile, EOFError, OSError, struct.error, zlib.error,
                                                  NotImplementedError, ValueError)):
            problem = "its CRC does not match: the file is corrupt" if "CRC" in str(error) else str(error)
            raise RuntimeError(f"{self.source}: cannot read record '{self.name}': {problem}") from None
        return False


class _CallerError(Exception):
    """Carries an error of ``map_location`` past ``load``'s handling of damaged files."""

    def __init__(self, error):
        self.error = error


def _restored(restore_location, raw, location):
    """Hand a freshly read storage to ``map_location``; what it returns is the storage."""
    if isinstance(location, bytes):
        location = location.decode("ascii")
    try:
        result = restore_location(UntypedStorage._from_array(raw), location)
    except Exception as e:
        raise _CallerError(e) from None
    if not isinstance(result, UntypedStorage):
        raise TypeError(f"map_location must return a storage or None; Argument 'wrap_storage' must be "
                        f"UntypedStorage, but got {type(result)}")
    return result


# ---------------------------------------------------------------------------------------
# load: the two file formats
# ---------------------------------------------------------------------------------------
def _load_zip(fobj, source, restore_location, make_unpickler):
    """The zip format: find the archive's folder, read its records, unpickle ``data.pkl``."""
    archive_size = fobj.seek(0, io.SEEK_END)
    fobj.seek(0)
    try:
        zf = zipfile.ZipFile(fobj)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as e:
        raise RuntimeError(f"{source}: truncated or corrupt checkpoint (the zip archive cannot be read: {e})") from None
    with zf:
        names = zf.namelist()
        if not names or "/" not in names[0]:
            raise RuntimeError(f"{source}: not a torch checkpoint (its zip entries are not in one folder)")
        prefix = names[0].split("/")[0] + "/"
        if prefix + "constants.pkl" in names:
            raise RuntimeError(f"{source}: this is a TorchScript archive (torch.jit.save), which minitorch_compat "
                               "cannot load")
        data_pkl = _read_record(zf, prefix + "data.pkl", archive_size, source)
        _read_record(zf, prefix + "version", archive_size, source)
        byteorder = "little"
        if prefix + "byteorder" in names:
            byteorder = _read_record(zf, prefix + "byteorder", archive_size, source).decode("latin1")
            if byteorder not in ("little", "big"):
                raise ValueError("Unknown endianness type: " + byteorder)
        loaded = {}  # key -> the storage map_location gave back

        def persistent_load(saved_id):
            if not isinstance(saved_id, tuple) or len(saved_id) != 5:
                raise TypeError(f"a storage's persistent id has 5 fields, got {saved_id!r}")
            _, storage_type, key, location, numel = saved_id
            dtype = _storage_dtype(storage_type)
            nbytes = _storage_nbytes(numel, dtype, key)
            if key not in loaded:
                raw = _read_storage(zf, f"{prefix}data/{key}", nbytes, archive_size, source)
                if byteorder != sys.byteorder and dtype.itemsize > 1:
                    raw.view(dtype._np).byteswap(inplace=True)
                loaded[key] = _restored(restore_location, raw, location)
            return TypedStorage(wrap_storage=loaded[key], dtype=dtype)

        return make_unpickler(io.BytesIO(data_pkl), persistent_load).load()


_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
_PROTOCOL_VERSION = 1001


def _load_legacy(fobj, source, restore_location, make_unpickler):
    """The pre-1.6 format: five pickles in a row, then each storage's count and bytes.

    Storages are created (empty) when ``data.pkl`` first names them, so the tensors can
    view them, and filled once the pickles are read, as torch does."""
    start = fobj.tell()
    head = fobj.read(512)
    fobj.seek(start)
    if head[257:262] == b"ustar":
        raise RuntimeError(f"{source}: this checkpoint uses torch's oldest format (a tar archive, before torch 0.4), "
                           "which minitorch_compat does not read")
    file_size = fobj.seek(0, io.SEEK_END)
    fobj.seek(start)
    if make_unpickler(fobj, None).load() != _MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol_version = make_unpickler(fobj, None).load()
    if protocol_version != _PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol_version}")
    make_unpickler(fobj, None).load()  # system info: byte order and type sizes of the saving machine
    storages = {}  # key -> (array to fill, dtype)

    def persistent_load(saved_id):
        if not isinstance(saved_id, tuple) or _weights_only_unpickler._maybe_decode_ascii(saved_id[0]) != "storage":
            raise RuntimeError(f"Unknown saved id type: {saved_id[0] if isinstance(saved_id, tuple) else saved_id}")
        if len(saved_id) != 6:
            raise TypeError(f"a legacy storage's persistent id has 6 fields, got {saved_id!r}")
        _, storage_type, key, location, numel, view_metadata = saved_id
        dtype = _storage_dtype(storage_type)
        if key not in storages:
            nbytes = _storage_nbytes(numel, dtype, key)
            if nbytes > file_size:
                raise RuntimeError(f"{source}: corrupt checkpoint: storage {key} declares {nbytes} bytes, more than "
                                   f"the file holds ({file_size} bytes)")
            raw = np.empty(nbytes, dtype=np.uint8)
            storages[key] = (_restored(restore_location, raw, location), dtype)
        storage = storages[key][0]
        if view_metadata is not None:  # a view of part of the storage (torch < 0.4)
            _, offset, size = view_metadata
            start = offset * dtype.itemsize
            storage = UntypedStorage._from_array(storage._data[start:start + size * dtype.itemsize])
        return TypedStorage(wrap_storage=storage, dtype=dtype)

    result = make_unpickler(fobj, persistent_load).load()
    keys = make_unpickler(fobj, None).load()
    if not isinstance(keys, list) or set(storages) - set(keys):
        raise RuntimeError(f"{source}: corrupt checkpoint: the list of storages does not match data.pkl")
    for key in keys:
        if key not in storages:
            raise AssertionError(f"storage key {key!r} not found in deserialized_objects")
        storage, dtype = storages[key]
        raw = storage._data
        numel = struct.unpack("<q", _read_exactly(fobj, 8, source))[0]
        if numel * dtype.itemsize != raw.nbytes:
            raise RuntimeError(f"{source}: corrupt checkpoint: storage {key} has {numel} elements in the file, "
                               f"{raw.nbytes // dtype.itemsize} in data.pkl")
        if fobj.readinto(memoryview(raw)) != raw.nbytes:
            raise RuntimeError(f"{source}: truncated checkpoint: storage {key} is incomplete")
        if sys.byteorder == "big" and dtype.itemsize > 1:  # the legacy format is always little-endian
            raw.view(dtype._np).byteswap(inplace=True)
    return result


def _read_exactly(fobj, n, source):
    data = fobj.read(n)
    if len(data) != n:
        raise RuntimeError(f"{source}: truncated checkpoint: the file ends {n - len(data)} bytes early")
    return data


# ---------------------------------------------------------------------------------------
# load: the unpicklers
# ---------------------------------------------------------------------------------------
def _weights_only(encoding):
    def make(file, persistent_load):
        unpickler = _weights_only_unpickler.Unpickler(file, encoding=encoding)
        if persistent_load is not None:
            unpickler.persistent_load = persistent_load
        return unpickler
    return make


def _full_unpickler(pickle_module, load_args):
    """pickle's own unpickler (runs whatever the file asks: only for files the caller trusts),
    with every ``torch.*`` global mapped to ours (``torch.nn.modules.linear.Linear`` ->
    ``minitorch_compat.nn.modules.linear.Linear``). Real torch is never imported."""

    class Unpickler(pickle_module.Unpickler):
        def find_class(self, module, name):
            module = {"torch.tensor": "torch._tensor"}.get(module, module)  # renamed in torch 1.8
            _weights_only_unpickler.resolve_missing_dtype(module, name)
            ours = _weights_only_unpickler._get_allowed_globals().get(f"{module}.{name}")
            if ours is not None and module.startswith("torch"):
                return ours
            real = _real_name(module)
            return super().find_class(module, name) if real is None else _import_ours(real, module, name)

    def make(file, persistent_load):
        unpickler = Unpickler(file, **load_args)
        if persistent_load is not None:
            unpickler.persistent_load = persistent_load
        return unpickler
    return make


def _import_ours(real_module, torch_module, name):
    try:
        obj = importlib.import_module(real_module)
    except ModuleNotFoundError:
        raise MissingModule(_unsupported(torch_module)) from None
    for part in name.split("."):
        if not hasattr(obj, part):
            raise NotImplementedInMinitorch(_unsupported(f"{torch_module}.{name}"))
        obj = getattr(obj, part)
    return obj


# ---------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------
UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, "
    "but it can result in arbitrary code execution. Do it only if you got the file from a "
    "trusted source.")
_DOCS_MESSAGE = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
                 "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def _get_wo_message(message):
    """torch's text around a weights-only refusal: what to do, depending on what was refused."""
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        return ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check "
                "the recommended steps in the following error message.\n\tWeightsUnpickler error: "
                + message + _DOCS_MESSAGE)
    if re.search(r"(\S+) must be (\S+) to load", message):
        return f"Weights only load failed. {message}\n {UNSAFE_MESSAGE}\n"
    updated = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if not re.search(r"whose module (\S+) is blocked", message):
        updated += ("Please file an issue with the following so that we can make `weights_only=True` compatible "
                    "with your use case: WeightsUnpickler error: ")
    return updated + "\n\n" + message + _DOCS_MESSAGE


# The exceptions a damaged file raises in torch too; re-raised with the file's name.
_DAMAGE = (RuntimeError, TypeError, ValueError, KeyError, IndexError, EOFError, AttributeError, AssertionError,
           struct.error)


class _open_for_load:
    """``(binary file object, name for messages)``; a path is opened (and closed after)."""

    def __init__(self, f):
        self.f = f

    def __enter__(self):
        f = self.f
        if isinstance(f, (str, os.PathLike)):
            self.opened = open(f, "rb")
            return self.opened, os.fspath(f)
        self.opened = None
        if not (hasattr(f, "seekable") and f.seekable()):
            f = io.BytesIO(f.read())
        return f, getattr(self.f, "name", "<file object>")

    def __exit__(self, *exc):
        if self.opened is not None:
            self.opened.close()


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load an object saved by ``torch.save`` or our ``save``: torch's two formats, torch's rules.

    * ``weights_only`` (default True): unpickle with ``_weights_only_unpickler`` (tensors,
      numbers, strings, containers, state_dicts; no code from the file), refusing anything
      else with torch's ``UnpicklingError`` and message. ``weights_only=False``: pickle's own
      unpickler, for files the caller trusts (a whole saved model).
    * ``map_location``: a str or ``torch.device`` (every storage goes there), a dict
      (saved location -> new one) or a callable ``f(storage, location)`` returning a
      storage or None, as in torch. Only ``"cpu"`` exists here; ``"cuda"`` fails like a
      CPU-only torch.

    A damaged file raises what torch raises for it (mostly ``RuntimeError``), naming the
    file and what is wrong.
    """
    if weights_only is None:
        weights_only = True
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if weights_only and pickle_load_args:
        warnings.warn("pickle_load_args only works if `weights_only=False`.")
    pickle_load_args.setdefault("encoding", "utf-8")
    restore_location = _get_restore_location(map_location)
    with _open_for_load(f) as (fobj, source):
        start = fobj.tell()
        is_zip = fobj.read(4) == b"PK\x03\x04"
        fobj.seek(start)
        read = _load_zip if is_zip else _load_legacy
        try:
            if not weights_only:
                return read(fobj, source, restore_location, _full_unpickler(pickle_module or pickle, pickle_load_args))
            return read(fobj, source, restore_location, _weights_only(pickle_load_args["encoding"]))
        except _CallerError as e:
            raise e.error
        except pickle.UnpicklingError as e:
            if not weights_only:
                raise
            raise pickle.UnpicklingError(_get_wo_message(str(e))) from None
        except _DAMAGE as e:
            detail = str(e.args[0]) if len(e.args) == 1 else str(e)  # (str of a KeyError adds quotes)
            if not weights_only or type(e) not in _DAMAGE or detail.startswith(source):
                raise
            raise type(e)(f"{source}: {detail or 'the file ends too early'}") from None
