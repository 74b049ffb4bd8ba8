"""A whole torchvision data pipeline, run on real torch and on ours, must print the same.

``tests/scripts/image_folder_augment.py`` is what a training tutorial does with a folder
of pictures: ``ImageFolder`` + a ``Compose`` of random augmentations (crop, flip, colour
jitter, greyscale, rotation, erasing) + a shuffling ``DataLoader``, seeded once. The
pictures are PNG and JPEG files of different sizes and modes, written here. Both runs
must print the same (with ``test_run_script``'s allowance of one unit in the last printed
digit) and write the same grid image, which only happens if every random draw, crop box,
Pillow operation and float32 step agrees.
"""
import os

import numpy as np
import pytest
from PIL import Image

from test_run_script import SCRIPTS, TORCH_DRIVER, assert_same_printout, start

SCRIPT = os.path.join(SCRIPTS, "image_folder_augment.py")


@pytest.fixture(scope="module")
def photo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(7)
    for cls, count in (("cat", 4), ("dog", 5), ("owl", 3)):
        (root / cls).mkdir()
        for i in range(count):
            h, w = (int(v) for v in rng.integers(10, 20, 2))
            # smooth-ish pictures, so that crops and rotations move real structure around
            yy, xx = np.mgrid[0:h, 0:w]
            arr = np.stack([(xx * 255 // w), (yy * 255 // h), rng.integers(0, 256, (h, w))], -1).astype(np.uint8)
            image = Image.fromarray(arr, "RGB")
            if i % 3 == 0:
                image.convert("L").save(root / cls / f"{i}.png")
            elif i % 3 == 1:
                image.save(root / cls / f"{i}.jpg", quality=90)
            else:
                image.save(root / cls / f"{i}.png")
    (root / "dog" / "notes.txt").write_text("not a picture")
    return str(root)


def test_image_folder_augmentation_script(photo_root, tmp_path):
    import json
    ours_png, torch_png = str(tmp_path / "ours.png"), str(tmp_path / "torch.png")
    torch_proc = start("-c", TORCH_DRIVER, json.dumps([["script", [SCRIPT, photo_root, torch_png]]]))
    ours_proc = start("-m", "minitorch_compat", "run", SCRIPT, photo_root, ours_png)
    o_out, o_err = ours_proc.communicate(timeout=300)
    t_out, t_err = torch_proc.communicate(timeout=300)
    assert torch_proc.returncode == 0, t_err
    t_rc, t_stdout, t_stderr = json.loads(t_out)["script"]
    assert t_rc == 0, t_stderr
    assert ours_proc.returncode == 0, o_err
    assert_same_printout(o_out, t_stdout)
    np.testing.assert_array_equal(np.array(Image.open(ours_png)), np.array(Image.open(torch_png)))
