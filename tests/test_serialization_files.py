"""Where ``save`` puts the bytes: what is at the path stays what it was, as with torch.

torch opens the path for writing: symlinks are followed, a FIFO or a device is written
through, hard links keep sharing one file, an existing file keeps its permissions and a
new one gets ``0o666 & ~umask``. We do the same, and where the path is a regular file (or
nothing yet) the new checkpoint replaces the old one atomically: it is written to a
temporary file that is renamed over the path, so a save killed half way leaves the old
checkpoint intact (torch's is truncated), and the next save removes its leftover. Every
test works in its own temporary directory.
"""
import io
import os
import pickle
import signal
import stat
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch

import minitorch_compat as mt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def state(T, value=1.0):
    return {"w": T.full((2, 3), value), "step": 3}


def loaded_value(path):
    return torch.load(path)["w"][0, 0].item()


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield 0o027
    os.umask(old)


def test_new_and_existing_files_get_torchs_permissions(tmp_path, umask_027):
    for T in (torch, mt):
        new = tmp_path / f"new_{T.__name__}.pt"
        T.save(state(T), new)
        assert stat.S_IMODE(os.stat(new).st_mode) == 0o666 & ~umask_027
        existing = tmp_path / f"existing_{T.__name__}.pt"
        existing.write_bytes(b"old")
        os.chmod(existing, 0o604)
        T.save(state(T), existing)
        assert stat.S_IMODE(os.stat(existing).st_mode) == 0o604
        assert loaded_value(existing) == 1.0


def test_symlinks_are_followed(tmp_path):
    for T in (torch, mt):
        target, link = tmp_path / f"target_{T.__name__}.pt", tmp_path / f"link_{T.__name__}.pt"
        T.save(state(T, 1.0), target)
        os.symlink(target.name, link)
        T.save(state(T, 2.0), link)
        assert os.path.islink(link) and loaded_value(target) == 2.0
        dangling = tmp_path / f"dangling_{T.__name__}.pt"
        os.symlink(f"created_{T.__name__}.pt", dangling)
        T.save(state(T, 3.0), dangling)  # the link's target is created, the link stays
        assert os.path.islink(dangling) and loaded_value(tmp_path / f"created_{T.__name__}.pt") == 3.0


def test_hard_links_keep_sharing_one_file(tmp_path):
    for T in (torch, mt):
        first, second = tmp_path / f"a_{T.__name__}.pt", tmp_path / f"b_{T.__name__}.pt"
        T.save(state(T, 1.0), first)
        os.link(first, second)
        T.save(state(T, 2.0), first)
        assert os.stat(first).st_ino == os.stat(second).st_ino and loaded_value(second) == 2.0


def test_a_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = {}

    def reader():
        with open(fifo, "rb") as f:
            received["bytes"] = f.read()
    thread = threading.Thread(target=reader)
    thread.start()
    mt.save(state(mt, 4.0), fifo)
    thread.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert torch.load(io.BytesIO(received["bytes"]))["w"].tolist() == [[4.0] * 3] * 2
    assert sorted(os.listdir(tmp_path)) == ["pipe"]


def test_paths_that_cannot_be_written_fail_like_torch(tmp_path):
    for T in (torch, mt):
        with pytest.raises(RuntimeError, match="Parent directory .*no/such does not exist"):
            T.save({}, tmp_path / "no" / "such" / "dir.pt")
        with pytest.raises(RuntimeError):
            T.save({}, tmp_path)
    with pytest.raises(AttributeError, match="a file-like object with a 'write' attribute"):
        mt.save({}, 42)


def test_file_objects_are_written_where_they_stand(tmp_path):
    buf = io.BytesIO()
    mt.save(state(mt, 5.0), buf)
    buf.seek(0)
    assert torch.load(buf)["w"][0, 0].item() == 5.0
    with open(tmp_path / "f.pt", "wb") as f:
        mt.save(state(mt, 6.0), f)
    assert loaded_value(tmp_path / "f.pt") == 6.0


def test_a_failed_save_keeps_the_old_checkpoint_and_leaves_nothing(tmp_path):
    path = tmp_path / "ckpt.pt"
    mt.save(state(mt, 1.0), path)
    before = path.read_bytes()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        mt.save({"w": mt.zeros(2), "bad": lambda: None}, path)  # lambdas cannot be pickled, as in torch
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]
    os.link(path, tmp_path / "other.pt")  # written through, but only once the object is pickled
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        mt.save({"bad": lambda: None}, path)
    assert path.read_bytes() == before


KILLED_SAVE = """
import os, signal, sys
sys.path.insert(0, {root!r})
import minitorch_compat as mt
from minitorch_compat import serialization as ser
real_write = ser._ZipWriter.write
def write_then_die(self, name, data):
    real_write(self, name, data)
    if name.endswith("data/0"):
        self.f.flush()
        os.kill(os.getpid(), signal.SIGKILL)
ser._ZipWriter.write = write_then_die
mt.save({{"w": mt.full((256, 256), 9.0)}}, {path!r})
"""


def test_a_killed_save_leaves_the_old_file_and_the_next_save_cleans_up(tmp_path):
    path = tmp_path / "ckpt.pt"
    mt.save(state(mt, 1.0), path)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SAVE.format(root=ROOT, path=str(path))])
    assert proc.wait(timeout=120) == -signal.SIGKILL
    assert loaded_value(path) == 1.0  # the old checkpoint survived
    leftovers = [n for n in os.listdir(tmp_path) if n != "ckpt.pt"]
    assert len(leftovers) == 1 and leftovers[0].startswith(f"ckpt.pt.partial-{proc.pid}-")
    assert os.path.getsize(tmp_path / leftovers[0]) > 256 * 256 * 4  # a recognisable, half-written checkpoint
    # a temporary file of a save that is still running (its process exists) is left alone
    running = tmp_path / f"ckpt.pt.partial-{os.getppid()}-00000000"
    running.write_bytes(b"in progress")
    mt.save(state(mt, 2.0), path)
    assert sorted(os.listdir(tmp_path)) == sorted(["ckpt.pt", running.name])
    assert loaded_value(path) == 2.0
    np.testing.assert_array_equal(mt.load(path)["w"].numpy(), np.full((2, 3), 2.0, np.float32))
