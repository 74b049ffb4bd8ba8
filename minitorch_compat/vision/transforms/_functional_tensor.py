"""The tensor backend of ``transforms.functional``, computed with NumPy.

A tensor image is ``[..., C, H, W]``. torchvision builds these operations from torch ops
(``interpolate``, ``grid_sample``, ``conv2d``); here each is a short NumPy computation
that follows the same recipe and, above all, the same dtype rules, because those decide
what a user sees:

* integer images are computed in float32 and converted back with ``round`` for
  resampling (resize, rotate, blur) but with truncation for colour blends
  (``_blend``: ``(r * a + (1 - r) * b).clamp(0, max).to(uint8)``);
* a Python float times a float32 image is float32 arithmetic (the scalar is rounded to
  float32 first), so we compute in the image's dtype, not in float64.

Flips, crops and erasing use tensor indexing, so they are exact and keep autograd.
Everything else returns a fresh tensor without history (see ``functional``'s docstring).
rotate/affine replay torch's grid and ``grid_sample`` arithmetic down to its fused
multiply-adds (``_fma``) and match bit for bit on x86; resize, blur and the means of
contrast sum in another order than torch's kernels and agree to float rounding.
"""
import numpy as np

from ..._dtype import from_numpy_dtype
from ..._generator import _fma32, _fma64
from ..._ops.creation import as_tensor, from_numpy
from ..._tensor import Tensor

__all__ = []


def _assert_image_tensor(img):
    if img.ndim < 2:
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img):
    _assert_image_tensor(img)
    channels = 1 if img.ndim == 2 else img.shape[-3]
    return [channels, img.shape[-2], img.shape[-1]]


def get_image_size(img):
    _assert_image_tensor(img)
    return [img.shape[-1], img.shape[-2]]


def get_image_num_channels(img):
    _assert_image_tensor(img)
    return 1 if img.ndim == 2 else img.shape[-3]


def _assert_channels(img, permitted):
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


# The value that means "full intensity": 1.0 for floats, the largest value for integers.
_MAX = {np.dtype(np.uint8): 255, np.dtype(np.int8): 127, np.dtype(np.int16): 32767, np.dtype(np.uint16): 65535,
        np.dtype(np.int32): 2147483647, np.dtype(np.int64): 9223372036854775807}


def _max_value(np_dtype):
    return _MAX.get(np.dtype(np_dtype), 1)


def _array(img):
    return img.detach().numpy()


def _tensor(arr):
    return from_numpy(np.ascontiguousarray(arr))


def _is_float(arr):
    return arr.dtype.kind == "f"


def _work_dtype(arr):
    """float32 for integer images, the image's own dtype for float ones (torch's rule)."""
    return arr.dtype if _is_float(arr) else np.dtype(np.float32)


def _cast_back(arr, dtype):
    """Resampled floats back to the image dtype: integers are rounded (half to even) first."""
    if np.dtype(dtype).kind in "iu":
        arr = np.rint(arr)
    return arr.astype(dtype)


# ----------------------------------------------------------------------------- dtype

def convert_image_dtype(image, dtype):
    """Change dtype and rescale so that "full intensity" maps to full intensity.

    float -> float: a cast. int -> float: divide by the int's max. float -> int: multiply
    by ``max + 1 - 0.001`` and truncate (so only exactly 1.0 reaches 255). int -> int:
    shift by the ratio of the ranges (multiply or floor-divide).
    """
    if image.dtype == dtype:
        return image
    src_float, dst_float = image.dtype.is_floating_point, dtype.is_floating_point
    if src_float and dst_float:
        return image.to(dtype)
    if src_float:
        if (repr(image.dtype), repr(dtype)) in {("torch.float32", "torch.int32"), ("torch.float32", "torch.int64"),
                                                 ("torch.float64", "torch.int64")}:
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        return image.mul(float(_max_value(dtype._np)) + 1.0 - 1e-3).to(dtype)
    input_max = float(_max_value(image.dtype._np))
    if dst_float:
        return image.to(dtype) / input_max
    output_max = float(_max_value(dtype._np))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return _tensor(np.floor_divide(_array(image), factor)).to(dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return image.to(dtype) * factor


# ----------------------------------------------------------------------------- geometry

def vflip(img):
    _assert_image_tensor(img)
    return img.flip(-2)


def hflip(img):
    _assert_image_tensor(img)
    return img.flip(-1)


def crop(img, top, left, height, width):
    """A slice; where the box leaves the image, zero padding (torchvision's rule)."""
    _assert_image_tensor(img)
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                        max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _parse_pad_padding(padding):
    """``[left, right, top, bottom]`` from torchvision's 1-, 2- or 4-number forms."""
    if isinstance(padding, int):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[0], padding[1], padding[1]]
    return [padding[0], padding[2], padding[1], padding[3]]


def pad(img, padding, fill=0, padding_mode="constant"):
    """``np.pad`` with torch's modes (``edge`` = ``replicate``); negative padding crops first."""
    _assert_image_tensor(img)
    fill = 0 if fill is None else fill
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (list, tuple)) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, right, top, bottom = _parse_pad_padding(padding)
    if padding_mode == "symmetric" and img.ndim not in (3, 4):
        raise RuntimeError("Symmetric padding of N-D tensors are not supported yet")
    arr = _array(img)
    h, w = arr.shape[-2:]
    arr = arr[..., max(-top, 0):h - max(-bottom, 0), max(-left, 0):w - max(-right, 0)]
    left, right, top, bottom = (max(p, 0) for p in (left, right, top, bottom))
    if padding_mode == "reflect":
        shape = [1] * max(4 - img.ndim, 0) + list(img.shape)  # torch pads a 4-d batch
        for dim, (a, b) in ((len(shape) - 1, (left, right)), (len(shape) - 2, (top, bottom))):
            if a >= arr.shape[dim - len(shape)] or b >= arr.shape[dim - len(shape)]:
                raise RuntimeError("Argument #4: Padding size should be less than the corresponding input dimension, "
                                   f"but got: padding ({a}, {b}) at dimension {dim} of input {shape}")
    widths = [(0, 0)] * (arr.ndim - 2) + [(top, bottom), (left, right)]
    np_mode = {"edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}.get(padding_mode)
    if np_mode is None:
        # torch writes the fill into the image's dtype (a float fill truncates for ints)
        out = np.pad(arr, widths, constant_values=np.array(float(fill)).astype(arr.dtype))
    else:
        out = np.pad(arr, widths, mode=np_mode)
    return _tensor(out)


# ----------------------------------------------------------------------------- resize

def _aa_filter(kind):
    """The antialiasing kernels of torch (and Pillow): triangle and Keys cubic with a = -0.5."""
    if kind == "bilinear":
        return 1.0, lambda x: np.maximum(0.0, 1.0 - np.abs(x))

    def cubic(x, a=-0.5):
        x = np.abs(x)
        near = ((a + 2) * x - (a + 3)) * x * x + 1
        far = (((x - 5) * x + 8) * x - 4) * a
        return np.where(x < 1, near, np.where(x < 2, far, 0.0))
    return 2.0, cubic


def _resize_weights(in_size, out_size, mode, antialias):
    """The ``out_size x in_size`` matrix ``M`` with ``resized = M @ original`` along one axis."""
    scale = in_size / out_size
    out = np.arange(out_size)
    weights = np.zeros((out_size, in_size))
    if mode in ("nearest", "nearest-exact"):
        offset = np.float32(0.5) if mode == "nearest-exact" else np.float32(0.0)
        src = np.floor((out.astype(np.float32) + offset) * np.float32(scale)).astype(np.int64)
        weights[out, np.minimum(src, in_size - 1)] = 1.0
        return weights
    if antialias:
        # Pillow's scheme: a kernel stretched by the scale when shrinking, centred on each
        # output pixel, cut at the image border and normalised to sum 1.
        half_width, kernel = _aa_filter(mode)
        support = half_width * scale if scale >= 1.0 else half_width
        invscale = 1.0 / scale if scale >= 1.0 else 1.0
        center = scale * (out + 0.5)
        lo = np.maximum((center - support + 0.5).astype(np.int64), 0)
        hi = np.minimum((center + support + 0.5).astype(np.int64), in_size)
        j = np.arange(in_size)
        inside = (j >= lo[:, None]) & (j < hi[:, None])
        w = np.where(inside, kernel((j - center[:, None] + 0.5) * invscale), 0.0)
        total = w.sum(1, keepdims=True)
        return np.divide(w, total, out=np.zeros_like(w), where=total != 0)
    src = scale * (out + 0.5) - 0.5
    if mode == "bilinear":
        src = np.maximum(src, 0.0)
        i0 = src.astype(np.int64)
        lam = src - i0
        np.add.at(weights, (out, i0), 1.0 - lam)
        np.add.at(weights, (out, np.minimum(i0 + 1, in_size - 1)), lam)
        return weights
    # bicubic without antialiasing: Keys' kernel with a = -0.75, borders clamped
    i0 = np.floor(src).astype(np.int64)
    t = src - i0
    a = -0.75
    near = lambda x: ((a + 2) * x - (a + 3)) * x * x + 1
    far = lambda x: ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    for k, coeff in enumerate((far(t + 1), near(t), near(1 - t), far(2 - t))):
        np.add.at(weights, (out, np.clip(i0 - 1 + k, 0, in_size - 1)), coeff)
    return weights


def resize(img, size, interpolation="bilinear", antialias=True):
    """``interpolate(size=..., mode=...)`` as one weight matrix per axis: ``Wh @ x @ Ww.T``."""
    _assert_image_tensor(img)
    antialias = bool(antialias) and interpolation in ("bilinear", "bicubic")
    arr = _array(img)
    dtype = arr.dtype if arr.dtype in (np.float32, np.float64) else np.dtype(np.float32)
    x = arr.astype(np.float64)
    wh = _resize_weights(arr.shape[-2], size[0], interpolation, antialias)
    ww = _resize_weights(arr.shape[-1], size[1], interpolation, antialias)
    out = np.matmul(np.matmul(wh, x), ww.T).astype(dtype)
    if interpolation == "bicubic" and arr.dtype == np.uint8:
        out = out.clip(0, 255)
    return _tensor(out if dtype == arr.dtype else _cast_back(out, arr.dtype))


# ----------------------------------------------------------------------------- colour

def rgb_to_grayscale(img, num_output_channels=1):
    """``0.2989 R + 0.587 G + 0.114 B`` in float32, cast (truncated) back to the image dtype."""
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if img.shape[-3] == 3:
        arr = _array(img)
        work = _work_dtype(arr)
        r, g, b = (arr[..., c, :, :].astype(work) for c in range(3))
        grey = _tensor((work.type(0.2989) * r + work.type(0.587) * g + work.type(0.114) * b).astype(arr.dtype)[..., None, :, :])
    else:
        grey = img.clone()
    return grey.expand(img.shape) if num_output_channels == 3 else grey


def _blend(a, b, ratio):
    """``ratio * a + (1 - ratio) * b`` (arrays), clamped to the valid range, in a's dtype."""
    work = _work_dtype(a)
    ratio = float(ratio)
    out = work.type(ratio) * a.astype(work) + work.type(1.0 - ratio) * b.astype(work)
    return _tensor(np.clip(out, 0, _max_value(a.dtype)).astype(a.dtype))


def adjust_brightness(img, brightness_factor):
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    arr = _array(img)
    return _blend(arr, np.zeros_like(arr), brightness_factor)


def adjust_contrast(img, contrast_factor):
    """Blend with the mean of the greyscale image (one mean per image)."""
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [3, 1])
    grey = _array(rgb_to_grayscale(img) if get_dimensions(img)[0] == 3 else img)
    work = _work_dtype(grey)
    # torch: a float32 sum, then a division by the count
    total = grey.astype(np.float64).sum(axis=(-3, -2, -1), keepdims=True).astype(work)
    return _blend(_array(img), total / work.type(grey.shape[-3] * grey.shape[-2] * grey.shape[-1]), contrast_factor)


def adjust_saturation(img, saturation_factor):
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:  # as Pillow: nothing to desaturate
        return img
    return _blend(_array(img), _array(rgb_to_grayscale(img)), saturation_factor)


def _rgb2hsv(rgb):
    """Pillow's RGB -> HSV formulas in float32, with safe denominators where max == min."""
    r, g, b = rgb[..., 0, :, :], rgb[..., 1, :, :], rgb[..., 2, :, :]
    maxc, minc = rgb.max(axis=-3), rgb.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    one = np.ones_like(maxc)
    s = cr / np.where(eqc, one, maxc)
    cr_divisor = np.where(eqc, one, cr)
    rc, gc, bc = (maxc - r) / cr_divisor, (maxc - g) / cr_divisor, (maxc - b) / cr_divisor
    f = rgb.dtype.type
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (f(2.0) + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (f(4.0) + gc - rc)
    h = np.fmod((hr + hg + hb) / f(6.0) + f(1.0), f(1.0))
    return h, s, maxc


def _hsv2rgb(h, s, v):
    f = h.dtype.type
    i = np.floor(h * f(6.0))
    frac = h * f(6.0) - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (f(1.0) - s), 0.0, 1.0)
    q = np.clip(v * (f(1.0) - s * frac), 0.0, 1.0)
    t = np.clip(v * (f(1.0) - s * (f(1.0) - frac)), 0.0, 1.0)
    # the sector i picks which of v, p, q, t goes to each of R, G, B
    table = np.stack([np.stack(c) for c in ((v, q, p, p, t, v), (t, v, v, q, p, p), (p, p, t, v, v, q))])
    return np.moveaxis(np.take_along_axis(table, i[None, None], axis=1)[:, 0], 0, -3)


def adjust_hue(img, hue_factor):
    """To float32 HSV, ``h = (h + hue_factor) % 1``, back to RGB and to the original dtype."""
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be Tensor image")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    orig_dtype = img.dtype
    h, s, v = _rgb2hsv(_array(convert_image_dtype(img, from_numpy_dtype(np.float32))))
    h = np.remainder(h + np.float32(hue_factor), np.float32(1.0))
    return convert_image_dtype(_tensor(_hsv2rgb(h, s, v)), orig_dtype)


def adjust_gamma(img, gamma, gain=1):
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be a Tensor.")
    _assert_channels(img, [1, 3])
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    result = img if img.is_floating_point() else convert_image_dtype(img, from_numpy_dtype(np.float32))
    arr = _array(result)
    f = arr.dtype.type
    out = np.clip(f(gain) * np.power(arr, f(gamma)), 0, 1)
    return convert_image_dtype(_tensor(out), img.dtype)


def invert(img):
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    return _max_value(img.dtype._np) - img


# ----------------------------------------------------------------------------- grids

def _linspace32(start, end, steps):
    """torch's float32 ``linspace``: the first half counts up from start, the rest down from end."""
    step = np.float32((end - start) / (steps - 1)) if steps > 1 else np.float32(0)
    i = np.arange(steps, dtype=np.float32)
    up = np.float32(start) + step * i
    down = np.float32(end) - step * (np.float32(steps - 1) - i)
    return np.where(np.arange(steps) < steps // 2, up, down).astype(np.float32)


def _fma(a, b, c):
    """``a * b + c`` with one rounding, as torch's FMA-compiled kernels compute it."""
    return (_fma32 if np.result_type(a, b, c) == np.float32 else _fma64)(a, b, c)


def _affine_grid(matrix, dtype, w, h, ow, oh):
    """For each output pixel, where to sample the input, in grid_sample's [-1, 1] units.

    torch computes ``[x, y, 1] @ rescaled_theta`` with ``bmm``: a plain loop for small
    products (under 400 multiply-adds) and BLAS otherwise, whose FMAs fuse the first
    two terms; we follow both, which makes the grid bit-identical.
    """
    theta = np.array(matrix, dtype=dtype).reshape(2, 3)
    r = (theta.T / np.array([0.5 * w, 0.5 * h], dtype=dtype))  # 3 x 2
    x, y = np.broadcast_arrays(_linspace32(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow).astype(dtype)[None, :],
                               _linspace32(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh).astype(dtype)[:, None])
    if 3 * oh * ow * 2 < 400:
        return [x * r[0, k] + y * r[1, k] + r[2, k] for k in range(2)]
    return [(_fma(y, r[1, k], x * r[0, k]) + r[2, k]).reshape(oh, ow) for k in range(2)]


def _grid_sample(x, gx, gy, mode):
    """``grid_sample(align_corners=False, padding_mode="zeros")`` on N x C x H x W.

    Grid units become pixel positions as ``(g + 1) * size / 2 - 0.5``; ``nearest`` rounds
    them half to even, ``bilinear`` mixes the four neighbours (outside ones count as 0)
    with torch's weights and its FMA chain ``((nw * v + ne * v) + sw * v) + se * v``.
    """
    f = x.dtype.type
    h, w = x.shape[-2:]
    ix = _fma(gx + f(1), f(w / 2), f(-0.5)).reshape(gx.shape)
    iy = _fma(gy + f(1), f(h / 2), f(-0.5)).reshape(gy.shape)

    def gather(xi, yi):
        ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        return np.where(ok, x[..., np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)], f(0))

    if mode == "nearest":
        return gather(np.rint(ix).astype(np.int64), np.rint(iy).astype(np.int64))
    x0, y0 = np.floor(ix), np.floor(iy)
    east, south = ix - x0, iy - y0
    west, north = f(1) - east, f(1) - south
    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    out = gather(x0, y0) * (north * west)
    for dx, dy, weight in ((1, 0, north * east), (0, 1, south * west), (1, 1, south * east)):
        out = _fma(gather(x0 + dx, y0 + dy), weight, out)
    return out.reshape(x.shape[:-2] + gx.shape)


def _assert_grid_inputs(img, matrix, interpolation, fill):
    _assert_image_tensor(img)
    if not isinstance(matrix, list):
        raise TypeError("Argument matrix should be a list")
    if len(matrix) != 6:
        raise ValueError("Argument matrix should have 6 float values")
    channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != channels:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number of channels "
                         f"of the image ({len(fill)} != {channels})")
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def _apply_grid(img, matrix, interpolation, fill, ow, oh):
    """Resample through an affine grid; ``fill`` paints where the grid leaves the image.

    As torchvision: a channel of ones is resampled along, and wherever it fell below
    one the fill colour is mixed in (nearest: replaced where the mask < 0.5).
    """
    arr = _array(img)
    work = _work_dtype(arr)
    x = arr.astype(work).reshape((-1,) + arr.shape[-3:] if arr.ndim >= 3 else (1, 1) + arr.shape)
    gx, gy = _affine_grid(matrix, work, arr.shape[-1], arr.shape[-2], ow, oh)
    out = _grid_sample(x, gx, gy, interpolation)
    if fill is not None:
        mask = _grid_sample(np.ones((1, 1) + x.shape[-2:], work), gx, gy, interpolation)
        fills = np.array(fill if isinstance(fill, (list, tuple)) else [float(fill)], dtype=work)[:, None, None]
        if interpolation == "nearest":
            out = np.where(mask < 0.5, fills, out)
        else:
            out = out * mask + (work.type(1.0) - mask) * fills
    out = out.reshape(arr.shape[:-2] + (oh, ow))
    return _tensor(out if work == arr.dtype else _cast_back(out, arr.dtype))


def affine(img, matrix, interpolation="nearest", fill=None):
    _assert_grid_inputs(img, matrix, interpolation, fill)
    return _apply_grid(img, matrix, interpolation, fill, img.shape[-1], img.shape[-2])


def _compute_affine_output_size(matrix, w, h):
    """The bounding box of the transformed corners (Pillow's ``expand`` size), in float32."""
    f = np.float32
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], dtype=f)
    new_pts = pts @ np.array(matrix, dtype=f).reshape(2, 3).T
    shift = np.array([w * 0.5, h * 0.5], dtype=f)
    lo, hi = new_pts.min(0) + shift, new_pts.max(0) + shift
    tol = f(1e-4)  # drop float noise so that 2.00000001 does not round up to 3
    size = np.ceil(np.trunc(hi / tol) * tol) - np.floor(np.trunc(lo / tol) * tol)
    return int(size[0]), int(size[1])


def rotate(img, matrix, interpolation="nearest", expand=False, fill=None):
    _assert_grid_inputs(img, matrix, interpolation, fill)
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _compute_affine_output_size(matrix, w, h) if expand else (w, h)
    return _apply_grid(img, matrix, interpolation, fill, ow, oh)


# ----------------------------------------------------------------------------- filters

def _gaussian_kernel1d(size, sigma, dtype):
    x = _linspace32(-(size - 1) * 0.5, (size - 1) * 0.5, size).astype(dtype)
    pdf = np.exp(dtype.type(-0.5) * (x / dtype.type(sigma)) ** 2)
    return pdf / pdf.sum(dtype=dtype)


def gaussian_blur(img, kernel_size, sigma):
    """Reflect-pad by half the kernel, then correlate each channel with the 2-D Gaussian."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    _assert_image_tensor(img)
    arr = _array(img)
    work = _work_dtype(arr)
    kx, ky = (_gaussian_kernel1d(k, s, work) for k, s in zip(kernel_size, sigma))
    kernel = np.outer(ky, kx).astype(work)
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    padded = _array(pad(_tensor(arr.astype(work)), [px, py], padding_mode="reflect"))
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape, axis=(-2, -1))
    out = np.einsum("...ij,ij->...", windows.astype(np.float64), kernel.astype(np.float64)).astype(work)
    return _tensor(out if work == arr.dtype else _cast_back(out, arr.dtype))


# ----------------------------------------------------------------------------- values

def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean[c]) / std[c]``: the two float32 in-place ops torchvision uses."""
    _assert_image_tensor(tensor)
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {tensor.size()}")
    if not inplace:
        tensor = tensor.clone()
    mean = as_tensor(mean, dtype=tensor.dtype)
    std = as_tensor(std, dtype=tensor.dtype)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def erase(img, i, j, h, w, v, inplace=False):
    _assert_image_tensor(img)
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img
