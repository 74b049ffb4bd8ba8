"""Checkpoints: our ``save`` writes files real ``torch.load(weights_only=True)`` reads, our
``load`` reads files real ``torch.save`` writes, and loading never runs code.

Round trips go both ways for the objects training scripts save: module state_dicts (with
their ``_metadata``), optimizer state_dicts, and nested dicts/lists/tuples of tensors and
numbers. Values, dtypes, shapes, ``requires_grad`` and storage sharing between views must
survive. Hostile and damaged files must fail with a clear error.
"""
import io
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from minitorch_compat import serialization as ser

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64",
          "complex128", "uint16", "uint32", "uint64"]


def to_torch(obj):
    """Convert a structure of our tensors into the same structure of torch tensors."""
    if isinstance(obj, mt.nn.Parameter):
        return torch.nn.Parameter(torch.from_numpy(obj.detach().numpy().copy()), obj.requires_grad)
    if isinstance(obj, mt.Tensor):
        return torch.from_numpy(np.array(obj.detach().numpy())).requires_grad_(obj.requires_grad)
    if isinstance(obj, OrderedDict):
        out = OrderedDict((k, to_torch(v)) for k, v in obj.items())
        if hasattr(obj, "_metadata"):
            out._metadata = obj._metadata
        return out
    if isinstance(obj, dict):
        return {k: to_torch(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_torch(v) for v in obj)
    if isinstance(obj, mt.dtype):
        return getattr(torch, obj._name)
    if isinstance(obj, mt.Size):
        return torch.Size(obj)
    return obj


def assert_same(ours, theirs, path="obj"):
    """Deep comparison of one of our structures with a torch structure."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mt.Tensor), f"{path}: {type(ours)}"
        assert isinstance(ours, mt.nn.Parameter) == isinstance(theirs, torch.nn.Parameter), path
        assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape), path
        assert ours.requires_grad == theirs.requires_grad, path
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy(), err_msg=path)
    elif isinstance(theirs, dict):
        assert type(ours).__name__ == type(theirs).__name__ and list(ours) == list(theirs), path
        assert getattr(ours, "_metadata", None) == getattr(theirs, "_metadata", None), path
        for k in theirs:
            assert_same(ours[k], theirs[k], f"{path}[{k!r}]")
    elif isinstance(theirs, (list, tuple)) and not isinstance(theirs, torch.Size):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(theirs, torch.dtype):
        assert str(ours) == str(theirs), path
    else:
        assert type(ours).__name__ == type(theirs).__name__ and ours == theirs, f"{path}: {ours!r} != {theirs!r}"


def quickstart_state(T):
    nn = T.nn
    T.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.ReLU(), nn.Linear(8, 3)).state_dict()


def sample_objects(T):
    x = T.arange(24.0).reshape(4, 6)
    p = T.nn.Parameter(T.ones(3))
    opt = T.optim.Adam([p], lr=0.01, betas=(0.8, 0.9))
    p.grad = T.ones(3)
    opt.step()
    return {
        "model_state_dict": quickstart_state(T),
        "optimizer_state_dict": opt.state_dict(),
        "epoch": 5, "loss": T.tensor(0.25), "lr": 1e-3, "name": "run-ü", "none": None, "flag": True,
        "big": 2 ** 70, "neg": -(2 ** 40), "blob": b"\x00\xffbytes", "cplx": 1.5 - 2j, "set": {1, 2},
        "views": [x, x.t(), x[1], x[:, 2:4], x.reshape(-1)[5:]], "tuple": (T.zeros(0, 3), T.tensor(7)),
        "dtypes": [T.float64, T.int8], "size": T.Size([2, 3]), "param": p,
        "grad_leaf": T.ones(2, requires_grad=True),
        "all_dtypes": {d: T.tensor([0, 1, 2]).to(getattr(T, d)) for d in DTYPES},
    }


def test_ours_to_torch_round_trip(tmp_path):
    path = tmp_path / "ours.pt"
    ours = sample_objects(mt)
    mt.save(ours, path)
    loaded = torch.load(path, weights_only=True)
    assert_same(ours, loaded)
    v = loaded["views"]  # views of one storage are still views of one storage
    assert v[0].untyped_storage().data_ptr() == v[1].untyped_storage().data_ptr() == v[4].untyped_storage().data_ptr()
    assert v[1].stride() == (1, 6) and v[2].storage_offset() == 6
    assert torch.load(path, weights_only=True, mmap=True)["model_state_dict"]["1.weight"].shape == (8, 12)
    # an optimizer restored by torch from our file continues like ours
    assert loaded["optimizer_state_dict"]["state"][0]["step"].dtype == torch.float32


def test_torch_to_ours_round_trip(tmp_path):
    path = tmp_path / "theirs.pt"
    theirs = sample_objects(torch)
    torch.save(theirs, path)
    loaded = mt.load(path)
    assert_same(loaded, theirs)
    v = loaded["views"]
    assert np.shares_memory(v[0].numpy(), v[1].numpy()) and np.shares_memory(v[0].numpy(), v[4].numpy())
    v[0][1, 0] = 100.0  # and they stay live views of one buffer, as in torch
    assert v[2][0].item() == 100.0
    assert v[0].numpy().flags.writeable
    for spelling in ("cpu", mt.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage):
        assert_same(mt.load(path, map_location=spelling, weights_only=True)["model_state_dict"],
                    theirs["model_state_dict"])


def test_state_dict_loads_into_models_both_ways(tmp_path):
    mt.save(quickstart_state(mt), tmp_path / "a.pth")
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    assert repr(model.load_state_dict(torch.load(tmp_path / "a.pth"))) == "<All keys matched successfully>"
    torch.save(model.state_dict(), tmp_path / "b.pth")
    ours = mt.nn.Sequential(mt.nn.Flatten(), mt.nn.Linear(12, 8), mt.nn.ReLU(), mt.nn.Linear(8, 3))
    ours.load_state_dict(mt.load(tmp_path / "b.pth"))
    x = np.random.default_rng(0).standard_normal((2, 12)).astype(np.float32)
    np.testing.assert_allclose(ours(mt.tensor(x)).detach().numpy(), model(torch.tensor(x)).detach().numpy(),
                               rtol=1e-6)


leaf_values = st.one_of(
    st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.floats(allow_nan=False), st.text(max_size=5),
    st.tuples(st.sampled_from(DTYPES), st.lists(st.integers(0, 3), max_size=3)).map(
        lambda a: mt.tensor(np.arange(int(np.prod(a[1])) if a[1] else 1).reshape(a[1]) % 3).to(
            getattr(mt, a[0]))))
structures = st.recursive(leaf_values, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=4), st.integers(0, 9)), inner, max_size=3)), max_leaves=8)


@given(structures)
def test_random_structures_round_trip_both_ways(obj):
    buf = io.BytesIO()
    mt.save(obj, buf)
    buf.seek(0)
    theirs = torch.load(buf, weights_only=True)
    assert_same(obj, theirs)
    buf2 = io.BytesIO()
    torch.save(theirs, buf2)
    buf2.seek(0)
    assert_same(mt.load(buf2), theirs)


def test_zip_layout_matches_torch(tmp_path):
    mt.save({"w": mt.ones(3)}, tmp_path / "ckpt.pt")
    torch.save({"w": torch.ones(3)}, tmp_path / "ref.pt")
    ours, ref = zipfile.ZipFile(tmp_path / "ckpt.pt"), zipfile.ZipFile(tmp_path / "ref.pt")
    assert [n.split("/", 1)[1] for n in ours.namelist()] == [n.split("/", 1)[1] for n in ref.namelist()]
    assert ours.namelist()[0] == "ckpt/data.pkl" and ours.testzip() is None
    for info in ours.infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        with open(tmp_path / "ckpt.pt", "rb") as f:  # data starts on a 64-byte boundary
            f.seek(info.header_offset + 26)
            n, m = np.frombuffer(f.read(4), np.uint16)
        assert (info.header_offset + 30 + n + m) % 64 == 0
    for name in (".format_version", ".storage_alignment", "byteorder", "version"):
        assert ours.read("ckpt/" + name) == ref.read("ref/" + name)


def test_zip64_records_are_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(ser, "_ZIP64_LIMIT", 100)  # pretend every entry past 100 bytes is "huge"
    obj = {"w": mt.arange(100.0), "b": [mt.ones(2, 3)]}
    mt.save(obj, tmp_path / "z.pt")
    assert zipfile.ZipFile(tmp_path / "z.pt").testzip() is None
    assert_same(obj, torch.load(tmp_path / "z.pt", weights_only=True))
    assert_same(mt.load(tmp_path / "z.pt"), to_torch(obj))


# ------------------------------------------------------------------------- refusing code
def _evil_zip(payload):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/version", "3\n")
    buf.seek(0)
    return buf


class Exploit:
    def __reduce__(self):
        return (os.system, ("touch /tmp/minitorch_pwned",))


def test_malicious_pickles_are_refused(tmp_path):
    marker = "/tmp/minitorch_pwned"
    if os.path.exists(marker):
        os.remove(marker)
    for payload, name in [(pickle.dumps({"x": Exploit()}, protocol=2), "posix.system"),
                          (b"\x80\x02cbuiltins\neval\nX\x04\x00\x00\x001+1\x85R.", "builtins.eval"),
                          (pickle.dumps(Exploit(), protocol=5), "posix.system")]:
        with pytest.raises(pickle.UnpicklingError, match=name.replace(".", r"\.")):
            mt.load(_evil_zip(payload))
    assert not os.path.exists(marker)
    # an arbitrary class saved by real torch is refused by name as well
    torch.save({"opt": torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)}, tmp_path / "obj.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"torch\.optim\.sgd\.SGD"):
        mt.load(tmp_path / "obj.pt")
    with pytest.raises(pickle.UnpicklingError, match="corrupt checkpoint: unsupported persistent id"):
        mt.load(_evil_zip(b"\x80\x02X\x03\x00\x00\x00abcQ."))


# ------------------------------------------------------------------------- damaged files
def test_corrupt_and_truncated_files_fail_clearly(tmp_path):
    path = tmp_path / "good.pt"
    mt.save(quickstart_state(mt), path)
    raw = path.read_bytes()
    for cut in (len(raw) // 2, len(raw) - 10, 100):
        (tmp_path / "cut.pt").write_bytes(raw[:cut])
        with pytest.raises(RuntimeError, match="truncated or corrupt checkpoint"):
            mt.load(tmp_path / "cut.pt")
    (tmp_path / "junk.pt").write_bytes(b"hello, not a checkpoint" * 10)
    with pytest.raises(RuntimeError, match="not a torch checkpoint"):
        mt.load(tmp_path / "junk.pt")
    # flip a byte inside a tensor's data: the zip CRC catches it
    info = zipfile.ZipFile(path).getinfo("good/data/0")
    with open(path, "rb") as f:
        f.seek(info.header_offset + 26)
        n, m = np.frombuffer(f.read(4), np.uint16)
    bad = bytearray(raw)
    bad[info.header_offset + 30 + n + m + 3] ^= 0xFF
    (tmp_path / "flip.pt").write_bytes(bytes(bad))
    with pytest.raises(RuntimeError, match="corrupt checkpoint"):
        mt.load(tmp_path / "flip.pt")
    torch.save({"a": torch.ones(2)}, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy"):
        mt.load(tmp_path / "legacy.pt")
    with pytest.raises(FileNotFoundError):
        mt.load(tmp_path / "missing.pt")


def test_map_location_cuda_fails_like_cpu_only_torch(tmp_path):
    mt.save({"w": mt.ones(2)}, tmp_path / "w.pt")
    for loc in ("cuda", "cuda:0", {"cpu": "cuda:1"}):
        with pytest.raises(RuntimeError, match="torch.cuda.is_available\\(\\) is False"):
            mt.load(tmp_path / "w.pt", map_location=loc)


def test_save_is_atomic_and_cleans_up(tmp_path):
    path = tmp_path / "ckpt.pt"
    mt.save({"w": mt.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(pickle.PicklingError, match="cannot store an object of type"):
        mt.save({"w": mt.zeros(2), "bad": object()}, path)
    assert path.read_bytes() == before  # the old checkpoint is intact
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]  # and no temporary file is left behind
    mt.save({"w": mt.zeros(2)}, str(path))
    assert mt.load(path)["w"].tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="Parent directory"):
        mt.save({}, tmp_path / "no" / "such" / "dir.pt")
