"""minitorch_compat: PyTorch's training pipeline in pure Python + NumPy, API-compatible.

``import minitorch_compat as torch`` gives the names a PyTorch script reaches through
``torch.``: tensors and their ops, dtypes, autograd, random seeding, and the ``nn``,
``optim``, ``utils.data``, ``cuda`` and ``backends`` submodules. Each name lives in a file
laid out like torch's own (see docs/reading-guide.md).
"""
from . import _dtype
from ._dtype import (dtype, promote_types, result_type, get_default_dtype, set_default_dtype,
                     uint8, int8, int16, int32, int64, uint16, uint32, uint64,
                     float16, bfloat16, float32, float64, complex64, complex128)
from ._dtype import bool_ as bool  # noqa: A001 - torch.bool
from ._tensor import Tensor, Size, device
from ._tensor_types import (FloatTensor, DoubleTensor, HalfTensor, ByteTensor, CharTensor, ShortTensor, IntTensor,
                            LongTensor, BoolTensor)
from ._layout import (layout, memory_format, strided, sparse_coo, contiguous_format, preserve_format, channels_last,
                      channels_last_3d)
from ._tensor_str import set_printoptions, get_printoptions
from ._ops.creation import (tensor, as_tensor, asarray, from_numpy, is_tensor, numel, zeros, ones, empty, full,
                            zeros_like, ones_like, empty_like, full_like, eye, scalar_tensor, set_default_device,
                            get_default_device)
from ._ops.range_factories import arange, linspace, logspace
from ._ops.pointwise import (add, sub, subtract, rsub, mul, multiply, div, divide, true_divide, floor_divide,
                             remainder, fmod, pow, neg, negative, abs, absolute, exp, log, log2, log10, log1p, expm1,
                             sqrt, rsqrt, square, reciprocal, sin, cos, tanh, sigmoid, relu, sign, floor, ceil,
                             round, trunc, frac, clamp, clip, maximum, minimum, where, eq, ne, lt, le, gt, ge,
                             greater, greater_equal, less, less_equal, not_equal, logical_not, logical_and,
                             logical_or, logical_xor, bitwise_not, bitwise_and, bitwise_or, bitwise_xor,
                             isnan, isinf, isfinite, equal, isclose, allclose, addcmul, addcdiv, lerp)
from ._ops.reduction import (sum, mean, prod, max, min, amax, amin, argmax, argmin, var, std, var_mean,
                             std_mean, logsumexp, norm, all, any, count_nonzero)
from ._ops.shape import (view, reshape, flatten, unflatten, squeeze, unsqueeze, t, transpose, swapaxes,
                         swapdims, permute, expand, broadcast_to, repeat, clone, cat, concat, concatenate,
                         stack, split, chunk, unbind, narrow, select, flip, masked_fill, gather, index_select)
from ._ops.linalg import matmul, mm, bmm, mv, dot, inner, outer, ger
from ._ops.activation import softmax, log_softmax
from ._ops.sorting import sort, argsort, topk, kthvalue
from ._ops.scatter import scatter, scatter_add, embedding
from ._ops.conv import conv1d, conv2d
from ._ops.pooling import max_pool2d, avg_pool2d, adaptive_avg_pool2d
from ._ops.normalization import batch_norm, layer_norm
from ._ops.special import erf, erfc, erfinv
from ._ops.pointwise import (tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, arcsin, arccos, arctan,
                             arcsinh, arccosh, arctanh, sinc, exp2, deg2rad, rad2deg, sgn, fix, atan2, arctan2,
                             hypot, logaddexp, xlogy, clamp_min, clamp_max, nan_to_num)
from ._ops.sorting import unique, unique_consecutive, searchsorted, bucketize
from ._ops.summary import histc, bincount
from ._ops.cumulative import cumsum, cumprod, cummax, cummin, logcumsumexp
from ._ops.transformations import (roll, rot90, tril, triu, diff, repeat_interleave, meshgrid, cartesian_prod,
                                   block_diag)
from ._ops.einsum import einsum
from ._ops.distance import cdist
from ._ops.linalg import tensordot, kron
from ._ops.weight_norm import norm_except_dim, _weight_norm
from ._ops.matrix_functions import diagonal, matrix_exp, geqrf
from ._ops.scatter import index_add, index_copy, index_fill, masked_scatter, take, take_along_dim
from ._ops.linalg import torch_cross as cross
from ._ops.linalg_solve import det, inv as inverse, logdet, torch_slogdet as slogdet, pinverse
from ._ops.sampling import (rand, randn, randint, randperm, rand_like, randn_like, randint_like, normal,
                            bernoulli, multinomial)
from ._generator import Generator, default_generator
from .random import manual_seed, seed, initial_seed, get_rng_state, set_rng_state
from ._parallel import get_num_threads, set_num_threads, get_num_interop_threads, set_num_interop_threads
from .autograd import no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode
from . import autograd, cuda, backends, accelerator, return_types, nn, optim  # noqa: F401
from . import random, utils  # noqa: F401
from . import linalg  # noqa: F401
from .serialization import save, load
from ._type_info import finfo, iinfo
from ._runtime import (use_deterministic_algorithms, are_deterministic_algorithms_enabled,
                       is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode,
                       get_deterministic_debug_mode, set_float32_matmul_precision, get_float32_matmul_precision,
                       compile)

float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
cfloat = complex64
cdouble = complex128

__version__ = "0.1.0"

# torch.sin_(x) and the other in-place functions torch exposes: the Tensor methods themselves
globals().update({_name: getattr(Tensor, _name) for _name in (
    "abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_ ceil_ cos_ "
    "cosh_ deg2rad_ rad2deg_ erf_ erfc_ exp_ exp2_ expm1_ fix_ floor_ frac_ log_ log10_ log1p_ log2_ neg_ "
    "negative_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_ "
    "clamp_min_ clamp_max_ nan_to_num_ clamp_ clip_").split()})

from ._numpy_compat import add_numpy_aliases as _add_numpy_aliases  # noqa: E402

_add_numpy_aliases(globals())  # torch.cat(xs, axis=0), torch.sum(x, axis=1, keepdims=True)

from . import functional  # noqa: E402,F401 - after the aliases: it re-exports the final functions
