"""Hostile and damaged checkpoints: refused as torch refuses them, and nothing is poisoned.

Each file here is a real checkpoint zip (written by ``save``) whose ``data.pkl`` or zip
records were replaced inside the test. Three promises are checked against real torch
2.14 fed the same bytes:

* loading never runs code and never changes the library: a pickle's BUILD opcode may set
  state only on an object the unpickler itself created (an ``OrderedDict``), never on a
  class, a dtype or a function, so afterwards genuine checkpoints still load right;
* every refusal raises torch's exception type (``UnpicklingError`` with torch's message
  for what weights-only loading forbids);
* a damaged file raises torch's type for it too (mostly ``RuntimeError``), with the file
  and the problem named, before any memory is allocated for a forged size; where torch
  loads a damaged file anyway (a CRC error: torch does not check CRCs), ``RuntimeError``.
"""
import io
import os
import pickle
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
import torch

import minitorch_compat as mt
from minitorch_compat import serialization as ser
from helpers import raises_like


def genuine_checkpoint():
    buf = io.BytesIO()
    mt.save({"w": mt.arange(4.0), "n": mt.tensor([1, 2], dtype=mt.int32), "size": mt.Size([2, 3]),
             "dev": mt.device("cpu")}, buf)
    return buf.getvalue()


def rezip(base, replace=None, drop=(), compression=zipfile.ZIP_STORED):
    """``base``'s records, some replaced (by name inside the archive folder) or dropped."""
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as z:
        for info in src.infolist():
            name = info.filename.split("/", 1)[1]
            if name not in drop:
                z.writestr(info.filename, (replace or {}).get(name, src.read(info)))
    return out.getvalue()


def with_pickle(payload):
    return rezip(genuine_checkpoint(), {"data.pkl": payload})


def load_both(data, **kw):
    """A ``fn(L)`` for ``raises_like``: load ``data`` with library ``L``."""
    return lambda L: L.load(io.BytesIO(data), **kw)


def assert_genuine_checkpoint_still_loads():
    """Nothing a refused file did has changed how checkpoints load."""
    for data in (genuine_checkpoint(), save_with_torch()):
        got = mt.load(io.BytesIO(data))
        assert got["w"].dtype == mt.float32 and got["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
        assert got["n"].dtype == mt.int32 and got["n"].tolist() == [1, 2]
        assert repr(got["size"]) == "torch.Size([2, 3])" and str(got["dev"]) == "cpu"
    assert mt.float32.is_floating_point and mt.float32._np == np.float32
    assert mt.ones(2).dtype is mt.float32 and mt.ones(2).numpy().dtype == np.float32
    assert ser.STORAGE_TYPES["FloatStorage"].dtype is mt.float32


def save_with_torch():
    buf = io.BytesIO()
    torch.save({"w": torch.arange(4.0), "n": torch.tensor([1, 2], dtype=torch.int32), "size": torch.Size([2, 3]),
                "dev": torch.device("cpu")}, buf)
    return buf.getvalue()


def s(text):
    """BINUNICODE: a pickled str."""
    return b"X" + struct.pack("<I", len(text)) + text.encode()


# ------------------------------------------------------------------------- BUILD poisoning
# BUILD with (None, {name: value}) sets attributes through setattr; with {name: value} it
# updates __dict__. Each targets something shared by the whole process.
BUILD_PAYLOADS = {
    "FloatStorage dtype": b"\x80\x02ctorch\nFloatStorage\n}" + s("np_dtype") + s("int32") + b"sb0N.",
    "float32's NumPy dtype": b"\x80\x02ctorch\nfloat32\nN}" + s("_np") + s("float16") + b"s\x86b0N.",
    "float32.is_floating_point": b"\x80\x02ctorch\nfloat32\nN}" + s("is_floating_point") + b"\x89s\x86b0N.",
    "Size.__repr__": b"\x80\x02ctorch\nSize\nN}" + s("__repr__") + s("x") + b"s\x86b0N.",
    "device.__str__": b"\x80\x02ctorch\ndevice\nN}" + s("__str__") + s("x") + b"s\x86b0N.",
    "OrderedDict class": b"\x80\x02ccollections\nOrderedDict\n}" + s("__repr__") + s("x") + b"sb0N.",
    "a rebuild function": b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n}" + s("__name__") + s("x") + b"sb0N.",
    "_codecs.encode": b"\x80\x02c_codecs\nencode\n}" + s("__doc__") + s("x") + b"sb0N.",
}


@pytest.mark.parametrize("target", list(BUILD_PAYLOADS))
def test_build_on_globals_is_refused_and_changes_nothing(target):
    ours, theirs = raises_like(load_both(with_pickle(BUILD_PAYLOADS[target])))
    assert isinstance(ours, pickle.UnpicklingError)
    assert "WeightsUnpickler error: \n\nCan only build Tensor, Parameter, OrderedDict" in str(ours)
    assert_genuine_checkpoint_still_loads()


def test_build_sets_a_state_dicts_metadata_as_in_torch():
    payload = b"\x80\x02ccollections\nOrderedDict\n)R}" + s("_metadata") + b"}sb."
    for L in (mt, torch):
        assert L.load(io.BytesIO(with_pickle(payload)))._metadata == {}


def test_build_never_changes_an_object_the_file_did_not_create():
    """Stricter than torch: an allowlisted *instance* is shared with the program, so BUILD
    may not change it even when its class is allowlisted too (torch would update it)."""
    shared = SharedConfig()
    payload = b"\x80\x02ctest_serialization_hostile\nshared\n}" + s("lr") + b"K\x05sb."
    with mt.serialization.safe_globals([SharedConfig, (shared, "test_serialization_hostile.shared")]):
        with pytest.raises(pickle.UnpicklingError, match="Can only build"):
            mt.load(io.BytesIO(with_pickle(payload)))
        made_here = b"\x80\x02ctest_serialization_hostile\nSharedConfig\n)\x81}" + s("lr") + b"K\x05sb."
        assert mt.load(io.BytesIO(with_pickle(made_here))).lr == 5  # one it created itself: allowed
    assert shared.lr == 1


class SharedConfig:
    lr = 1


# ------------------------------------------------------------------------- running code
class Exploit:
    def __reduce__(self):
        return (os.system, ("touch minitorch_pwned",))


@pytest.mark.parametrize("payload", [pickle.dumps({"x": Exploit()}, protocol=2),
                                     b"\x80\x02cbuiltins\neval\n" + s("1+1") + b"\x85R.",
                                     b"\x80\x02cos\nsystem\n" + s("true") + b"\x85R.",
                                     b"\x80\x02c__builtin__\ngetattr\n" + b"ctorch\nSize\n" + s("x") + b"\x86R.",
                                     pickle.dumps(Exploit(), protocol=5)])
def test_code_in_a_pickle_is_refused_with_torchs_message(tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match="Detected pickle protocol 5") if payload[1] == 5 else _no_warning():
        ours, theirs = raises_like(load_both(with_pickle(payload)), match_message=True)
    assert isinstance(ours, pickle.UnpicklingError)
    assert not os.path.exists("minitorch_pwned")
    assert_genuine_checkpoint_still_loads()


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# Opcodes used where weights-only loading does not allow them (torch's messages).
OPCODE_PAYLOADS = {
    "APPEND to a dict": b"\x80\x02}K\x01a.",
    "SETITEM on a list": b"\x80\x02]K\x01K\x02s.",
    "persistent id that is a str": b"\x80\x02" + s("abc") + b"Q.",
    "persistent id not naming a storage": b"\x80\x02" + s("abc") + b"\x85Q.",
    "INST": b"(ctorch\nSize\no.",
    "REDUCE on a str": b"\x80\x02" + s("abc") + b")R.",
    "BUILD on a set": b"\x80\x02c__builtin__\nset\n]\x85R}" + s("a") + b"K\x01sb.",
    "BUILD on a device": b"\x80\x02ctorch\ndevice\n" + s("cpu") + b"\x85R}" + s("type") + s("x") + b"sb.",
    "empty pickle": b"",
    "STOP on an empty stack": b"\x80\x02.",
    "unknown memo key": b"\x80\x02h\x05.",
    "truncated BININT": b"\x80\x02J\x01\x00",
}


@pytest.mark.parametrize("case", list(OPCODE_PAYLOADS))
def test_malformed_and_forbidden_pickles_fail_like_torch(case):
    ours, theirs = raises_like(load_both(with_pickle(OPCODE_PAYLOADS[case])))
    if isinstance(theirs, pickle.UnpicklingError):
        assert str(ours) == str(theirs)
    else:  # ours names the file and the problem
        assert str(ours.args[0]).startswith("<file object>: ")


# ------------------------------------------------------------------------- damaged geometry
def int_op(v):
    if 0 <= v < 256:
        return b"K" + bytes([v])
    n = (v.bit_length() + 8) // 8
    return b"\x8a" + bytes([n]) + v.to_bytes(n, "little", signed=True)


def tensor_pickle(numel=4, offset=0, size=(4,), stride=(1,)):
    ints = lambda vs: b"(" + b"".join(int_op(v) for v in vs) + b"t"  # noqa: E731
    return (b"\x80\x02}" + s("w") + b"ctorch._utils\n_rebuild_tensor_v2\n((" + s("storage")
            + b"ctorch\nFloatStorage\n" + s("0") + s("cpu") + int_op(numel) + b"tQ" + int_op(offset) + ints(size)
            + ints(stride) + b"\x89ccollections\nOrderedDict\n)RtRs.")


GEOMETRY = {  # name: tensor_pickle arguments
    "numel 2**70": dict(numel=2 ** 70), "negative numel": dict(numel=-1), "numel 2**63": dict(numel=2 ** 63),
    "size 2**70": dict(size=(2 ** 70,)), "size 2**63": dict(size=(2 ** 63,)),
    "stride 2**70": dict(size=(1,), stride=(2 ** 70,)),
    "offset 2**70": dict(offset=2 ** 70, size=(1,)), "empty but size 2**70": dict(size=(0, 2 ** 70), stride=(1, 1)),
    "numel overflows": dict(size=(2 ** 62, 2 ** 62), stride=(0, 0)), "negative size": dict(size=(-1,)),
    "negative stride": dict(size=(2,), stride=(-1,)), "negative offset": dict(offset=-1, size=(1,)),
    "past the end": dict(size=(5,)), "offset past the end": dict(offset=4, size=(1,)),
    "size and stride lengths differ": dict(size=(2, 2), stride=(1,)),
    "empty at the end": dict(offset=4, size=(0,)), "empty past the end": dict(offset=9, size=(0,)),
    "empty with a huge stride": dict(size=(0,), stride=(2 ** 62,)),
    "a view": dict(offset=1, size=(2, 2), stride=(1, 1)),
    "an expanded view": dict(size=(3, 4), stride=(0, 1)),
}


@pytest.mark.parametrize("case", list(GEOMETRY))
def test_tensor_geometry_is_checked_like_torch(case):
    data = with_pickle(tensor_pickle(**GEOMETRY[case]))
    try:
        expected = torch.load(io.BytesIO(data))["w"]
    except Exception:
        ours, theirs = raises_like(load_both(data))
        assert str(ours).startswith("<file object>: ")
        return
    got = mt.load(io.BytesIO(data))["w"]
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


# ------------------------------------------------------------------------- damaged records
def local_and_central_headers(data, name):
    """Offsets of the local header and of the central-directory entry of record ``name``."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    pos = data.find(b"PK\x01\x02")
    while True:
        n = struct.unpack("<H", data[pos + 28:pos + 30])[0]
        if data[pos + 46:pos + 46 + n] == name.encode():
            return info.header_offset, pos
        pos = data.find(b"PK\x01\x02", pos + 4)


def forge(data, name, crc=None, size=None):
    """Rewrite record ``name``'s CRC or its sizes in both of its headers."""
    data = bytearray(data)
    local, central = local_and_central_headers(bytes(data), name)
    if crc is not None:
        struct.pack_into("<I", data, local + 14, crc)
        struct.pack_into("<I", data, central + 16, crc)
    if size is not None:
        struct.pack_into("<II", data, local + 18, size, size)
        struct.pack_into("<II", data, central + 20, size, size)
    return bytes(data)


def damaged_files():
    base = genuine_checkpoint()
    folder = zipfile.ZipFile(io.BytesIO(base)).namelist()[0].split("/")[0]
    forged_numel = (0xFFFFFFF0 // 4)
    files = {f"without {rec}": rezip(base, drop=(rec,))
             for rec in ("data.pkl", "data/0", "version", "byteorder", ".format_version", ".storage_alignment",
                         ".data/serialization_id")}
    files.update({
        "byteorder 'bittle'": rezip(base, {"byteorder": b"bittle"}),
        "forged 4 GiB entry": forge(base, f"{folder}/data/0", size=0xFFFFFFF0),
        "forged 4 GiB entry and numel": forge(with_pickle(tensor_pickle(numel=forged_numel, size=(forged_numel,))),
                                              "archive/data/0", size=0xFFFFFFF0),
        "deflated": rezip(base, compression=zipfile.ZIP_DEFLATED),
        "not a zip": b"PK\x03\x04" + b"\x00" * 50,
    })
    files.update({f"truncated to {n} bytes": base[:n] for n in (len(base) // 2, len(base) - 10, 100, 10, 4)})
    return files


DAMAGED = damaged_files()


@pytest.mark.parametrize("case", list(DAMAGED))
def test_damaged_files_fail_like_torch_and_name_the_problem(case):
    data = DAMAGED[case]
    try:
        expected = torch.load(io.BytesIO(data))
    except Exception:
        tracemalloc.start()
        try:
            ours, theirs = raises_like(load_both(data))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 64 << 20, "a forged size must fail before its memory is allocated"
        assert str(ours).startswith("<file object>: ") or str(ours).startswith("Unknown endianness")
        return
    got = mt.load(io.BytesIO(data))
    assert got["w"].tolist() == expected["w"].tolist() and got["n"].dtype == mt.int32


def test_forged_deflate_size_is_refused_before_allocating():
    base = rezip(with_pickle(tensor_pickle(numel=(1 << 30) // 4, size=((1 << 30) // 4,))), {},
                 compression=zipfile.ZIP_DEFLATED)
    data = forge(base, "archive/data/0")
    local, central = local_and_central_headers(data, "archive/data/0")
    data = bytearray(data)
    struct.pack_into("<I", data, local + 22, 1 << 30)  # uncompressed size only: 1 GiB from 16 bytes
    struct.pack_into("<I", data, central + 24, 1 << 30)
    with pytest.raises(RuntimeError, match="record 'archive/data/0' claims"):
        mt.load(io.BytesIO(bytes(data)))


def test_crc_errors_are_caught_where_torch_loads_silently():
    """torch does not check CRCs; we do, so a flipped bit is an error, not a wrong weight."""
    base = genuine_checkpoint()
    folder = zipfile.ZipFile(io.BytesIO(base)).namelist()[0].split("/")[0]
    bad_crc = forge(base, f"{folder}/byteorder", crc=0x12345678)
    torch.load(io.BytesIO(bad_crc))
    with pytest.raises(RuntimeError, match=r"<file object>: cannot read record '.*/byteorder': its CRC does not "
                                           r"match: the file is corrupt"):
        mt.load(io.BytesIO(bad_crc))
    info = zipfile.ZipFile(io.BytesIO(base)).getinfo(f"{folder}/data/0")
    n, m = struct.unpack("<HH", base[info.header_offset + 26:info.header_offset + 30])
    flipped = bytearray(base)
    flipped[info.header_offset + 30 + n + m + 5] ^= 0x40
    assert torch.load(io.BytesIO(bytes(flipped)))["w"].tolist() != [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(RuntimeError, match="data/0': its CRC does not match"):
        mt.load(io.BytesIO(bytes(flipped)))


def test_a_damaged_file_is_named_in_the_error(tmp_path):
    (tmp_path / "cut.pt").write_bytes(genuine_checkpoint()[:300])
    with pytest.raises(RuntimeError, match=f"^{tmp_path / 'cut.pt'}: truncated or corrupt checkpoint"):
        mt.load(tmp_path / "cut.pt")
    (tmp_path / "junk.pt").write_bytes(b"hello, not a checkpoint")
    with pytest.raises(KeyError, match=f"{tmp_path / 'junk.pt'}: memo key 101 not found"):
        mt.load(tmp_path / "junk.pt")
    with pytest.raises(FileNotFoundError):
        mt.load(tmp_path / "missing.pt")


# ------------------------------------------------------------------------- memory
def test_loading_reads_each_storage_once_into_its_final_array(monkeypatch, tmp_path):
    """Peak memory while loading is the storages plus one small chunk: NumPy reports its
    arrays to tracemalloc, so its peak is what loading allocated (``benchmarks/bench_memory.py``
    measures the whole process on a few hundred MB)."""
    monkeypatch.setattr(ser, "_CHUNK", 1 << 19)
    w = mt.arange(2 << 20, dtype=mt.float32)  # 8 MiB
    mt.save({"w": w, "tied": w[1:], "b": mt.ones(1000, dtype=mt.float64)}, tmp_path / "big.pt")
    size = os.path.getsize(tmp_path / "big.pt")
    tracemalloc.start()
    try:
        loaded = mt.load(tmp_path / "big.pt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 1.3 * size, f"loading a {size / 2**20:.1f} MiB file peaked at {peak / 2**20:.1f} MiB"
    assert np.shares_memory(loaded["w"].numpy(), loaded["tied"].numpy())
    np.testing.assert_array_equal(loaded["w"].numpy(), w.numpy())
    assert loaded["b"].dtype == mt.float64 and loaded["b"].sum().item() == 1000
