"""``torchvision.datasets.FakeData``: random images that are the same on every run.

Sample ``i`` is made from its own seed, ``i + random_offset``: the global generator's
state is saved, reseeded, ``torch.randn(*image_size)`` gives the image and
``torch.randint(0, num_classes, (1,))`` the label, and the state is restored, so reading
samples neither depends on nor disturbs anybody else's random numbers. The float image
becomes a PIL image through ``ToPILImage`` (``uint8(x * 255)``, wrapping negative values
as NumPy's cast does), exactly as torchvision's. Our generator reproduces torch's, so
``FakeData()[i]`` is torchvision's sample ``i`` pixel for pixel.

Handy for testing a pipeline or timing a model without any data on disk (the DCGAN and
ImageNet examples use it with ``--dummy``).
"""
from ..._dtype import int64
from ..._ops.sampling import randint, randn
from ...random import get_rng_state, manual_seed, set_rng_state
from ..transforms import functional as F
from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """``size`` random PIL images of ``image_size`` (C, H, W) with labels in ``[0, num_classes)``.

    Args:
        size (int): number of samples. Default 1000.
        image_size (tuple): (channels, height, width). Default (3, 224, 224).
        num_classes (int): labels are drawn from ``range(num_classes)``. Default 10.
        transform, target_transform (callable, optional): applied to the image (a PIL
            image) and to the label (a 0-d int64 tensor; the sample holds ``.item()`` of
            what it returns).
        random_offset (int): added to the index to form each sample's seed.
    """

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        state = get_rng_state()
        manual_seed(index + self.random_offset)
        img = randn(*self.image_size)
        target = randint(0, self.num_classes, size=(1,), dtype=int64)[0]
        set_rng_state(state)
        img = F.to_pil_image(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target.item()

    def __len__(self):
        return self.size
