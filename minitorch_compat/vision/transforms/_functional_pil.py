"""The PIL backend of ``transforms.functional``: each operation is one Pillow call.

torchvision's ``_functional_pil`` calls exactly these Pillow functions, so on PIL images
our results are identical to torchvision's by construction; what this file has to get
right is the argument handling around the call (padding forms, fill colours per mode,
the checks and their messages).
"""
import numbers

import numpy as np

from .._pil import is_pil_image, pil

__all__ = []


def _check(img):
    if not is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def from_array(arr, mode):
    """``Image.fromarray(arr, mode)`` as Pillow did before 11.3: ``mode`` says how to *read* the bytes.

    Newer Pillow infers the mode from the array instead; torchvision relies on the old
    behaviour (e.g. a uint8 ``H x W x 3`` array read as ``HSV``), which ``frombuffer``
    still provides.
    """
    size = (arr.shape[1], arr.shape[0])
    return pil().frombuffer(mode, size, np.ascontiguousarray(arr).tobytes(), "raw", mode, 0, 1)


def get_dimensions(img):
    if is_pil_image(img):
        return [len(img.getbands()), img.height, img.width]
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_size(img):
    if is_pil_image(img):
        return list(img.size)
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_num_channels(img):
    if is_pil_image(img):
        return len(img.getbands())
    raise TypeError(f"Unexpected type {type(img)}")


def hflip(img):
    _check(img)
    return img.transpose(pil().FLIP_LEFT_RIGHT)


def vflip(img):
    _check(img)
    return img.transpose(pil().FLIP_TOP_BOTTOM)


def _enhance(kind, img, factor):
    _check(img)
    from PIL import ImageEnhance
    return getattr(ImageEnhance, kind)(img).enhance(factor)


def adjust_brightness(img, brightness_factor):
    return _enhance("Brightness", img, brightness_factor)


def adjust_contrast(img, contrast_factor):
    return _enhance("Contrast", img, contrast_factor)


def adjust_saturation(img, saturation_factor):
    return _enhance("Color", img, saturation_factor)


def adjust_hue(img, hue_factor):
    """Shift Pillow's 8-bit H channel by ``int(hue_factor * 255)``, wrapping around."""
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check(img)
    if img.mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    np_h = np.array(h, dtype=np.uint8)
    np_h += np.int32(hue_factor * 255).astype(np.uint8)  # uint8 arithmetic wraps, as wanted
    return pil().merge("HSV", (from_array(np_h, "L"), s, v)).convert(img.mode)


def adjust_gamma(img, gamma, gain=1.0):
    _check(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    mode = img.mode
    table = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
    return img.convert("RGB").point(table).convert(mode)


def _parse_fill(fill, img, name="fillcolor"):
    """Pillow's fill argument: one number per band (ints unless the mode is ``F``)."""
    channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and channels > 1:
        fill = tuple([fill] * channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * channels
        elif len(fill) != channels:
            raise ValueError("The number of elements in 'fill' does not match the number of channels "
                             f"of the image ({len(fill)} != {channels})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, (list, tuple)) else int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode="constant"):
    """``ImageOps.expand`` for constant padding, ``np.pad`` for the other modes."""
    _check(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    palette = img.getpalette() if img.mode == "P" else None
    if padding_mode == "constant":
        from PIL import ImageOps
        out = ImageOps.expand(img, border=padding, **_parse_fill(fill, img, name="fill"))
    else:
        if isinstance(padding, int):
            padding = (padding,) * 4
        elif len(padding) == 2:
            padding = (padding[0], padding[1]) * 2
        left, top, right, bottom = padding
        crop = -np.minimum(padding, 0)  # negative padding crops
        if crop.any():
            img = img.crop((crop[0], crop[1], img.width - crop[2], img.height - crop[3]))
        left, top, right, bottom = np.maximum(padding, 0)
        arr = np.asarray(img)
        widths = ((top, bottom), (left, right)) + (((0, 0),) if arr.ndim == 3 else ())
        out = pil().fromarray(np.pad(arr, widths, padding_mode))
    if palette is not None:
        out.putpalette(palette)
    return out


def crop(img, top, left, height, width):
    _check(img)
    return img.crop((left, top, left + width, top + height))


def resize(img, size, interpolation=2):
    _check(img)
    if not (isinstance(size, list) and len(size) == 2):
        raise TypeError(f"Got inappropriate size arg: {size}")
    return img.resize(tuple(size[::-1]), interpolation)


def affine(img, matrix, interpolation=0, fill=None):
    _check(img)
    return img.transform(img.size, pil().AFFINE, matrix, interpolation, **_parse_fill(fill, img))


def rotate(img, angle, interpolation=0, expand=False, center=None, fill=None):
    _check(img)
    return img.rotate(angle, interpolation, expand, center, **_parse_fill(fill, img))


def to_grayscale(img, num_output_channels):
    _check(img)
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    img = img.convert("L")
    if num_output_channels == 3:
        grey = np.array(img, dtype=np.uint8)
        img = from_array(np.dstack([grey, grey, grey]), "RGB")
    return img


def invert(img):
    _check(img)
    from PIL import ImageOps
    return ImageOps.invert(img)
