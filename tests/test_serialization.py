"""Checkpoints: our ``save`` writes files real ``torch.load`` reads, our ``load`` reads files
real ``torch.save`` writes, and both follow torch's contract.

Round trips go both ways for the objects training scripts save: module state_dicts (with
their ``_metadata``), optimizer state_dicts, nested dicts/lists/tuples of tensors and
numbers, and whole models (``weights_only=False``). Values, dtypes, shapes,
``requires_grad`` and storage sharing between views must survive. ``map_location`` in each
of its forms, the legacy (pre-1.6) format and the allowlist of ``weights_only`` loading
behave as in torch. Hostile and damaged files: ``test_serialization_hostile.py``; where
``save`` puts the bytes: ``test_serialization_files.py``.
"""
import io
import pickle
import warnings
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from helpers import raises_like, assert_same_structure

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
    assert_same_structure(ours, loaded)
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
    assert_same_structure(loaded, theirs)
    v = loaded["views"]
    assert np.shares_memory(v[0].numpy(), v[1].numpy()) and np.shares_memory(v[0].numpy(), v[4].numpy())
    v[0][1, 0] = 100.0  # and they stay live views of one buffer, as in torch
    assert v[2][0].item() == 100.0
    assert v[0].numpy().flags.writeable
    for spelling in ("cpu", mt.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage):
        assert_same_structure(mt.load(path, map_location=spelling, weights_only=True)["model_state_dict"],
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
    assert_same_structure(obj, theirs)
    buf2 = io.BytesIO()
    torch.save(theirs, buf2)
    buf2.seek(0)
    assert_same_structure(mt.load(buf2), theirs)


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
    assert_same_structure(obj, torch.load(tmp_path / "z.pt", weights_only=True))
    assert_same_structure(mt.load(tmp_path / "z.pt"), to_torch(obj))



# ------------------------------------------------------------------------- whole models
class SmallNet:
    """A user's model class, defined at module level so pickle can find it by reference."""


def small_net(T):
    nn = T.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Dropout(0.5), nn.BatchNorm1d(3))
            self.head = nn.Linear(3, 2)
            self.tied = nn.Linear(3, 2)
            self.tied.weight = self.head.weight  # one Parameter in two places stays one after loading
            self.register_buffer("steps", T.zeros(1))

        def forward(self, x):
            h = self.body(x)
            return self.head(h) + self.tied(h)

    Net.__qualname__ = Net.__name__ = f"Net_{T.__name__}"
    Net.__module__ = __name__
    globals()[Net.__name__] = Net  # pickled by reference: the class must be found by name
    T.manual_seed(0)
    return Net()


def test_whole_model_round_trips_both_ways(tmp_path):
    """torch.save(model) pickles the model (classes by reference); weights_only=False loads it
    with the full unpickler, and the default weights_only=True refuses it with torch's message."""
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    for T, other in ((mt, torch), (torch, mt)):
        model = small_net(T)
        model.eval()
        path = tmp_path / f"{T.__name__}.pt"
        T.save(model, path)
        expected = model(T.tensor(x)).detach().numpy()
        for L in (T, other):
            loaded = L.load(path, weights_only=False)
            assert type(loaded).__name__ == type(model).__name__ and not loaded.training
            assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in model.named_parameters()]
            assert loaded.tied.weight is loaded.head.weight
            np.testing.assert_allclose(loaded(L.tensor(x)).detach().numpy(), expected, rtol=1e-6)
        ours_error, torch_error = raises_like(lambda L: L.load(path), match_message=True)
        assert isinstance(ours_error, pickle.UnpicklingError) and "Unsupported global" in str(ours_error)
    # a model loaded from torch's file trains here
    loaded = mt.load(tmp_path / "torch.pt", weights_only=False)
    loaded.train()
    loss = loaded(mt.tensor(x)).sum()
    loss.backward()
    assert loaded.head.bias.grad is not None


def test_safe_globals_allow_a_class_for_weights_only(tmp_path):
    obj = SmallNet()
    obj.weights = mt.ones(2)
    mt.save({"cfg": obj}, tmp_path / "c.pt")
    ours, theirs = raises_like(lambda L: L.load(tmp_path / "c.pt"), match_message=True)
    assert "add_safe_globals([test_serialization.SmallNet])" in str(ours)
    for L in (mt, torch):
        before = L.serialization.get_safe_globals()
        with L.serialization.safe_globals([SmallNet]):
            loaded = L.load(tmp_path / "c.pt")["cfg"]
        assert type(loaded) is SmallNet and loaded.weights.tolist() == [1.0, 1.0]
        assert L.serialization.get_safe_globals() == before
    mt.serialization.add_safe_globals([SmallNet])
    assert mt.serialization.get_safe_globals() == [SmallNet]
    assert type(mt.load(tmp_path / "c.pt")["cfg"]) is SmallNet
    mt.serialization.clear_safe_globals()
    with pytest.raises(pickle.UnpicklingError):
        mt.load(tmp_path / "c.pt")


# ------------------------------------------------------------------------- map_location
def test_map_location_callable_is_called_as_torch_calls_it(tmp_path):
    torch.save({"w": torch.ones(2, 3), "v": torch.arange(4), "tied": [torch.zeros(3)] * 2}, tmp_path / "t.pt")
    calls = {}
    for L in (torch, mt):
        seen = calls[L.__name__] = []

        def record(storage, location, seen=seen):
            seen.append((type(storage).__name__, storage.nbytes(), len(storage), location, str(storage.device)))
            return None  # None: as if there were no map_location

        assert_same_structure(L.load(tmp_path / "t.pt", map_location=record) if L is mt else mt.load(tmp_path / "t.pt"),
                    torch.load(tmp_path / "t.pt", map_location=record) if L is torch else torch.load(tmp_path / "t.pt"))
    assert calls["minitorch_compat"] == calls["torch"]  # one call per storage, same arguments
    assert_same_structure(mt.load(tmp_path / "t.pt", map_location=lambda s, loc: s.cpu()), torch.load(tmp_path / "t.pt"))
    for bad in (lambda s, loc: 5, 5):
        raises_like(lambda L: L.load(tmp_path / "t.pt", map_location=bad))
    raises_like(lambda L: L.load(tmp_path / "t.pt", map_location=lambda s, loc: s.cuda()))


@pytest.mark.parametrize("spelling", ["cpu", "cuda", "cuda:1", {"cpu": "cuda:0"}, {"cuda:0": "cpu"}, {"cpu": "cpu"},
                                      "xyz", "cpu:0", b"cpu", {"cpu": 5}])
def test_map_location_strings_dicts_and_devices_as_torch(tmp_path, spelling):
    torch.save({"w": torch.ones(2)}, tmp_path / "t.pt")
    for form in ([spelling, "device"] if isinstance(spelling, str) and spelling != "xyz" else [spelling]):
        def call(L):
            where = L.device(spelling) if form == "device" else spelling
            return L.load(tmp_path / "t.pt", map_location=where)
        try:
            expected = call(torch)
        except Exception:
            ours, theirs = raises_like(call, match_message=isinstance(spelling, str) or spelling == {"cpu": "cuda:0"})
            continue
        assert_same_structure(call(mt), expected)


# ------------------------------------------------------------------------- dtypes we lack
def test_complex32_checkpoints_are_refused_by_name(tmp_path):
    with pytest.warns(UserWarning, match="ComplexHalf support is experimental"):
        torch.save({"w": torch.ones(2), "h": torch.ones(3, dtype=torch.complex32)}, tmp_path / "c32.pt")
    for weights_only in (True, False):
        with pytest.raises(RuntimeError, match=r"c32\.pt: this checkpoint holds complex32 tensors.*no complex32 dtype"
                           if weights_only else "complex32 tensors, and minitorch_compat has no complex32 dtype"):
            mt.load(tmp_path / "c32.pt", weights_only=weights_only)


# ------------------------------------------------------------------------- the legacy format
def test_legacy_format_files_load_as_in_torch(tmp_path):
    theirs = sample_objects(torch)
    del theirs["all_dtypes"]["uint16"], theirs["all_dtypes"]["uint32"], theirs["all_dtypes"]["uint64"]
    torch.save(theirs, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    for weights_only in (True, False):
        loaded = mt.load(tmp_path / "legacy.pt", weights_only=weights_only)
        assert_same_structure(loaded, torch.load(tmp_path / "legacy.pt", weights_only=weights_only))
        v = loaded["views"]
        assert np.shares_memory(v[0].numpy(), v[1].numpy()) and np.shares_memory(v[0].numpy(), v[4].numpy())
    with open(tmp_path / "legacy.pt", "rb") as f:  # and from a file object
        assert_same_structure(mt.load(io.BytesIO(f.read()))["model_state_dict"], theirs["model_state_dict"])


@pytest.mark.parametrize("content", [pickle.dumps({"a": 1}, protocol=2), pickle.dumps({"a": 1}, protocol=4),
                                     pickle.dumps([1, 2], protocol=0), b"hello, not a checkpoint" * 10, b"",
                                     b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."])
@pytest.mark.parametrize("weights_only", [True, False])
def test_plain_pickles_and_junk_fail_like_torch(tmp_path, content, weights_only):
    """torch reads any file that is not a zip as the legacy format; a plain pickle fails its
    magic-number check (or, under weights_only, its unsupported opcodes), as here."""
    (tmp_path / "f.pt").write_bytes(content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch and we both warn about pickle protocol 4
        ours, theirs = raises_like(lambda L: L.load(tmp_path / "f.pt", weights_only=weights_only))
    if isinstance(theirs, pickle.UnpicklingError) and weights_only:
        assert str(ours) == str(theirs)


def test_numpy_scalars_are_saved_as_python_numbers():
    """Where our engine hands out a NumPy scalar, torch has a Python number: saved as one."""
    buf = io.BytesIO()
    mt.save({"acc": np.float64(0.5), "n": np.int64(3), "ok": np.bool_(True)}, buf)
    buf.seek(0)
    loaded = torch.load(buf)
    assert loaded == {"acc": 0.5, "n": 3, "ok": True} and [type(v) for v in loaded.values()] == [float, int, bool]
