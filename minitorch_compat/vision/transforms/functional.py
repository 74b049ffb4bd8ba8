"""``torchvision.transforms.functional``: every transform as a plain function.

A transform class (``RandomCrop``, ``ColorJitter``...) only draws its random parameters;
the image work is one of the functions here. Each function takes either a **PIL image**
or a **tensor image** (``[..., C, H, W]``) and sends it to one of two backends, exactly as
torchvision does:

* ``_functional_pil``: Pillow does the work (``Image.transpose``, ``ImageEnhance``,
  ``Image.rotate``...). torchvision calls the same Pillow functions, so PIL results are
  identical pixel for pixel.
* ``_functional_tensor``: NumPy does the work, replaying torch's arithmetic (float32 where
  torch computes in float32, the same rounding before integer casts). Flips, crops,
  padding, erasing, colour blends and rotate/affine give torch's values exactly; resize,
  blur, contrast and hue sum in another order and agree to float rounding.

Argument checks come first and raise torchvision's exception types with its messages,
because that is what a user sees when a pipeline is wrong.

Where we differ: the tensor backend computes on NumPy arrays, so (apart from flips,
in-bounds crops and erasing) its results carry no autograd history. torchvision's tensor
transforms are differentiable; data pipelines do not rely on that. The ``accimage``
backend and the transforms tutorials rarely use (perspective, posterize, solarize,
sharpness, autocontrast, equalize, elastic, AutoAugment) are not provided.
"""
import numbers
import sys
from enum import Enum

import numpy as np

from .._pil import is_pil_image
from ..._dtype import get_default_dtype
from ..._ops.creation import from_numpy
from ..._tensor import Tensor
from . import _functional_pil as F_pil, _functional_tensor as F_t

__all__ = ["InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels", "to_tensor",
           "pil_to_tensor", "convert_image_dtype", "to_pil_image", "normalize", "resize", "pad", "crop",
           "center_crop", "resized_crop", "hflip", "vflip", "five_crop", "ten_crop", "adjust_brightness",
           "adjust_contrast", "adjust_saturation", "adjust_hue", "adjust_gamma", "rotate", "affine",
           "to_grayscale", "rgb_to_grayscale", "erase", "gaussian_blur", "invert"]


class InterpolationMode(Enum):
    """How to resample: the tensor backend knows the first four, Pillow all seven."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


# Pillow's integer filter constants <-> modes (NEAREST_EXACT is Pillow's NEAREST).
_FROM_PIL = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
             4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}
pil_modes_mapping = {mode: code for code, mode in _FROM_PIL.items()}
pil_modes_mapping[InterpolationMode.NEAREST_EXACT] = 0


def _interpolation_modes_from_int(i):
    return _FROM_PIL[i]


def _interpolation(interpolation):
    """An ``InterpolationMode`` from a mode or a Pillow constant (torchvision accepts both)."""
    if isinstance(interpolation, int):
        return _interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant")
    return interpolation


def _backend(img):
    return F_t if isinstance(img, Tensor) else F_pil


# ----------------------------------------------------------------------------- sizes

def get_dimensions(img):
    """``[channels, height, width]`` of a PIL or tensor image."""
    return _backend(img).get_dimensions(img)


def get_image_size(img):
    """``[width, height]`` (PIL's order)."""
    return _backend(img).get_image_size(img)


def get_image_num_channels(img):
    return _backend(img).get_image_num_channels(img)


# ----------------------------------------------------------------------------- conversions

# PIL modes whose pixels are not 8-bit, and the NumPy dtype torchvision reads them as.
# Every other mode ("L", "RGB", "RGBA", "P", "1", ...) is read as uint8.
_PIL_MODE_DTYPE = {"I": np.int32, "I;16" if sys.byteorder == "little" else "I;16B": np.int16, "F": np.float32}


def to_tensor(pic):
    """Convert a PIL image or a NumPy array to a ``C x H x W`` tensor (torchvision's rules).

    * ndarray ``H x W x C`` -> ``C x H x W``; a 2-D ``H x W`` array gets one channel.
    * Only **uint8** data is converted to the default float dtype and divided by 255; any
      other dtype (float64, int32, bool...) keeps its dtype and values, just transposed.
    * PIL images: modes ``I``/``I;16``/``F`` are read as int32/int16/float32 (not scaled),
      every other mode as uint8 (scaled); mode ``1`` (1-bit) is first multiplied by 255 so
      that white becomes 1.0.
    """
    if not (is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        arr = np.array(pic, _PIL_MODE_DTYPE.get(pic.mode, np.uint8), copy=True)
        if pic.mode == "1":
            arr = 255 * arr
        arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    # from_numpy keeps the dtype (and rejects what torch.from_numpy rejects); the copy makes
    # the C x H x W result contiguous, as torchvision's ``.contiguous()`` does.
    img = from_numpy(arr.transpose((2, 0, 1))).contiguous()
    if arr.dtype == np.uint8:
        return img.to(dtype=get_default_dtype()).div(255)
    return img


def pil_to_tensor(pic):
    """A PIL image as a ``C x H x W`` tensor of its own pixel type (no scaling)."""
    if not is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    return from_numpy(arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))).permute((2, 0, 1))


def convert_image_dtype(image, dtype=None):
    """Change a tensor image's dtype *and* rescale: uint8 255 <-> float 1.0 (see ``_functional_tensor``)."""
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    return F_t.convert_image_dtype(image, get_default_dtype() if dtype is None else dtype)


# For 1-channel arrays the mode follows from the dtype; other channel counts allow these modes.
_ONE_CHANNEL_MODE = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16" if sys.byteorder == "little" else "I;16B",
                     np.dtype(np.int32): "I", np.dtype(np.float32): "F"}
_MODES_FOR_CHANNELS = {2: (["LA"], "LA", "2D"), 3: (["RGB", "YCbCr", "HSV"], "RGB", "3D"),
                       4: (["RGBA", "CMYK", "RGBX"], "RGBA", "4D")}


def to_pil_image(pic, mode=None):
    """A ``C x H x W`` tensor or ``H x W x C`` array as a PIL image.

    Floats (unless ``mode="F"``) become ``uint8(x * 255)`` -- truncation, no clamping, as
    torchvision does. The mode is taken from the channel count and dtype when not given.
    """
    if isinstance(pic, Tensor):
        pic = (pic.permute((1, 2, 0)) if pic.ndim == 3 else pic).detach().numpy()
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim == 2:
        pic = pic[:, :, None]
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
    npimg = pic
    if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
        npimg = (npimg * 255).astype(np.uint8)
    channels = npimg.shape[2]
    if channels == 1:
        npimg = npimg[:, :, 0]
        expected = _ONE_CHANNEL_MODE.get(npimg.dtype)
        if mode is not None and mode != expected:
            # torchvision formats ``np.dtype`` (the class), not the array's dtype.
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {np.dtype}. Should be {expected}")
        mode = expected
    else:
        permitted, default, word = _MODES_FOR_CHANNELS[channels]
        if mode is not None and mode not in permitted:
            raise ValueError(f"Only modes {permitted} are supported for {word} inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = default
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    return F_pil.from_array(npimg, mode)


def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean[c]) / std[c]`` per channel of a float ``(..., C, H, W)`` tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    return F_t.normalize(tensor, mean, std, inplace)


# ----------------------------------------------------------------------------- geometry

def _compute_resized_output_size(image_size, size, max_size=None):
    """``[new_h, new_w]``: both given, or the short side set to ``size[0]`` keeping the aspect."""
    h, w = image_size
    if len(size) == 2:
        return [size[0], size[1]]
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size[0], int(size[0] * long / short)
    if max_size is not None:
        if max_size <= size[0]:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                             f"size for the smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if w <= h else [new_short, new_long]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``(h, w)``, or match the shorter side to ``size`` (an int) keeping the aspect ratio.

    PIL images always antialias (bilinear/bicubic); tensors do when ``antialias`` is True.
    """
    interpolation = _interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, "
                             "i.e. size should be an int or a sequence of length 1 in torchscript mode.")
    _, height, width = get_dimensions(img)
    output_size = _compute_resized_output_size((height, width), [size] if isinstance(size, int) else size, max_size)
    if [height, width] == output_size:
        return img
    if not isinstance(img, Tensor):
        if antialias is False:
            import warnings
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
        return F_pil.resize(img, output_size, pil_modes_mapping[interpolation])
    return F_t.resize(img, output_size, interpolation.value, antialias)


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad each border: ``padding`` is one int, ``(left/right, top/bottom)`` or ``(l, t, r, b)``.

    Modes: ``constant`` (``fill``), ``edge``, ``reflect`` (no edge repeat), ``symmetric``
    (edge repeated). Negative padding crops.
    """
    return _backend(img).pad(img, padding, fill, padding_mode)


def crop(img, top, left, height, width):
    """The ``height x width`` box at ``(top, left)``; parts outside the image come back as zeros."""
    return _backend(img).crop(img, top, left, height, width)


def center_crop(img, output_size):
    """The centred ``output_size`` box, zero-padding first if the image is smaller."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        dw, dh = max(crop_width - image_width, 0), max(crop_height - image_height, 0)
        img = pad(img, [dw // 2, dh // 2, (dw + 1) // 2, (dh + 1) // 2], fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    top = int(round((image_height - crop_height) / 2.0))
    left = int(round((image_width - crop_width) / 2.0))
    return crop(img, top, left, crop_height, crop_width)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """``crop`` then ``resize`` (what ``RandomResizedCrop`` does with its random box)."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    """Mirror left-right."""
    return _backend(img).hflip(img)


def vflip(img):
    """Mirror top-bottom."""
    return _backend(img).vflip(img)


def _crop_size(size):
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return size


def five_crop(img, size):
    """The four corner crops and the centre crop: ``(tl, tr, bl, br, center)``."""
    size = _crop_size(size)
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = size
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(image_height, image_width)}")
    bottom, right = image_height - crop_height, image_width - crop_width
    corners = [(0, 0), (0, right), (bottom, 0), (bottom, right)]
    return tuple(crop(img, t, l, crop_height, crop_width) for t, l in corners) + (center_crop(img, [crop_height, crop_width]),)


def ten_crop(img, size, vertical_flip=False):
    """``five_crop`` of the image, then of its flip (horizontal unless ``vertical_flip``)."""
    size = _crop_size(size)
    return five_crop(img, size) + five_crop(vflip(img) if vertical_flip else hflip(img), size)


# ----------------------------------------------------------------------------- colour

def adjust_brightness(img, brightness_factor):
    """Blend with black: 0 gives black, 1 the original, 2 twice as bright."""
    return _backend(img).adjust_brightness(img, brightness_factor)


def adjust_contrast(img, contrast_factor):
    """Blend with the mean grey level: 0 gives flat grey, 1 the original."""
    return _backend(img).adjust_contrast(img, contrast_factor)


def adjust_saturation(img, saturation_factor):
    """Blend with the greyscale image: 0 gives grey, 1 the original."""
    return _backend(img).adjust_saturation(img, saturation_factor)


def adjust_hue(img, hue_factor):
    """Rotate the hue (in HSV) by ``hue_factor`` turns, in [-0.5, 0.5]."""
    return _backend(img).adjust_hue(img, hue_factor)


def adjust_gamma(img, gamma, gain=1):
    """``gain * x ** gamma`` on values scaled to [0, 1]."""
    return _backend(img).adjust_gamma(img, gamma, gain)


def to_grayscale(img, num_output_channels=1):
    """PIL only: convert to ``L`` (and back to 3 equal channels if asked)."""
    if is_pil_image(img):
        return F_pil.to_grayscale(img, num_output_channels)
    raise TypeError("Input should be PIL Image")


def rgb_to_grayscale(img, num_output_channels=1):
    """Luma ``0.2989 R + 0.587 G + 0.114 B`` on tensors (Pillow's ``convert("L")`` on PIL images)."""
    if not isinstance(img, Tensor):
        return F_pil.to_grayscale(img, num_output_channels)
    return F_t.rgb_to_grayscale(img, num_output_channels)


def invert(img):
    """``max - x`` (255 for uint8, 1.0 for floats)."""
    return _backend(img).invert(img)


# ----------------------------------------------------------------------------- resampling

def _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """The 2x3 matrix (flattened) of translate * centre * rotate-scale-shear * centre^-1.

    With ``inverted`` (what resamplers need: output pixel -> input pixel) it is the inverse,
    built in closed form: the rotation-shear block has determinant 1, so its inverse is
    its adjugate divided by ``scale``.
    """
    import math
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        m = [x / scale for x in [d, -b, 0.0, -c, a, 0.0]]
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
        m[2] += cx
        m[5] += cy
    else:
        m = [x * scale for x in [a, b, 0.0, c, d, 0.0]]
        m[2] += m[0] * (-cx) + m[1] * (-cy)
        m[5] += m[3] * (-cx) + m[4] * (-cy)
        m[2] += cx + tx
        m[5] += cy + ty
    return m


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default: the image centre)."""
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if not isinstance(img, Tensor):
        return F_pil.rotate(img, angle, pil_modes_mapping[interpolation], expand, center, fill)
    center_f = [0.0, 0.0]
    if center is not None:
        _, height, width = get_dimensions(img)
        # the tensor backend measures from the image centre
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    # rotate() turns counter-clockwise, the affine matrix clockwise: hence -angle.
    matrix = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return F_t.rotate(img, matrix, interpolation.value, expand, fill)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    """Rotate (clockwise, degrees), scale, shear, then translate, keeping the centre fixed."""
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, (list, tuple))):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    _, height, width = get_dimensions(img)
    if not isinstance(img, Tensor):
        # Pillow's pixel centres: (w/2, h/2) without the half-pixel offset, as torchvision.
        center = [width * 0.5, height * 0.5] if center is None else center
        matrix = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        return F_pil.affine(img, matrix, pil_modes_mapping[interpolation], fill)
    center_f = [0.0, 0.0] if center is None else [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    matrix = _get_inverse_affine_matrix(center_f, angle, [1.0 * t for t in translate], scale, shear)
    return F_t.affine(img, matrix, interpolation.value, fill)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a ``kernel_size`` Gaussian (reflect padding keeps the size).

    PIL images go through the tensor backend and back (torchvision does the same), so the
    result is torch's float32 convolution rounded to 8 bits.
    """
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    if isinstance(img, Tensor):
        return F_t.gaussian_blur(img, kernel_size, sigma)
    if not is_pil_image(img):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    return to_pil_image(F_t.gaussian_blur(pil_to_tensor(img), kernel_size, sigma), mode=img.mode)


def erase(img, i, j, h, w, v, inplace=False):
    """Overwrite the ``h x w`` box at ``(i, j)`` of a tensor image with ``v``."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    return F_t.erase(img, i, j, h, w, v, inplace)
