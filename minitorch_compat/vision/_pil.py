"""Pillow, imported only when a PIL image is really needed.

torchvision imports Pillow unconditionally; minitorch_compat keeps NumPy as its one hard
dependency, so the parts of ``vision`` that do not touch images (``ToTensor`` on arrays,
``Normalize``, tensor transforms, ``make_grid``) work without Pillow. Code that must
build or decode images calls :func:`pil`; a test for "is this a PIL image?" never
imports it (an object can only be a PIL image if Pillow is already loaded).
"""
import sys

__all__ = ["pil", "is_pil_image"]


def pil():
    """The ``PIL.Image`` module, or a clear error when Pillow is not installed."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("this part of minitorch_compat.vision works on PIL images and needs Pillow: "
                          "pip install Pillow") from None
    return Image


def is_pil_image(obj):
    pil_image = sys.modules.get("PIL.Image")
    return pil_image is not None and isinstance(obj, pil_image.Image)
