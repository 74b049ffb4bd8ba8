"""``torch.Tensor``: a NumPy array plus the bookkeeping autograd needs.

torch's Tensor is a C++ object (``at::Tensor`` with storage, sizes, strides and an
autograd meta); ``torch/_tensor.py`` adds the Python-level methods. Here the storage,
sizes and strides all live in one NumPy array, ``self._data``: NumPy views share memory
exactly where torch views do (slicing, ``view``, ``transpose``...), so in-place writes
through a view reach the base, as in torch.

Autograd state (the "autograd meta"):

* ``_requires_grad``: whether ops on this tensor are recorded.
* ``grad_fn``: the node that produced this tensor (``None`` for a leaf), and
  ``_output_nr``, which of that node's outputs it is.
* ``_grad``: the accumulated gradient of a leaf (or of a non-leaf after ``retain_grad``).
* ``_version``: how many in-place ops changed the data (see the property), and ``_base``,
  the tensor a view looks at.

Every math method here is a one-line call into ``_ops/``, where each operation's
forward and backward are written together. Defaults for the autograd fields live on the
class, so wrapping a fresh array (``_wrap``) sets a single attribute.
"""
import warnings
import weakref

import numpy as np

from . import _dtype, _layout
from ._dtype import of_array


class Size(tuple):
    """torch.Size: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    __module__ = "minitorch_compat"  # torch.Tensor, torch.Size...: torch names them at the top level

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __reduce__(self):
        return (Size, (tuple(self),))


class device:
    """torch.device. Only ``cpu`` exists here; ``cuda`` can be named but not used.

    As in torch, a device is also a context manager that makes it the default device of
    factory functions (``zeros``, ``rand``, ``tensor``... but not the ``*_like`` ones)
    inside the block; ``torch.set_default_device`` sets the one below all blocks. A
    factory then runs as if called with ``device=`` that device, so ``cuda`` fails there
    as on a CPU-only torch build.
    """

    _default = None  # set by torch.set_default_device
    _stack = []  # entered ``with device(...)`` blocks, innermost last

    __module__ = "minitorch_compat"  # torch.Tensor, torch.Size...: torch names them at the top level

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):  # an index on the accelerator
            type, index = "cuda", type
        if ":" in type:
            type, idx = type.split(":")
            index = int(idx)
        if type not in ("cpu", "cuda", "mps", "meta", "xpu"):
            raise RuntimeError(f"Expected one of cpu, cuda, ... device type at start of device string: {type}")
        self.type, self.index = type, index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        # torch compares devices only with devices: ``x.device == "cpu"`` is False there too.
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __enter__(self):
        device._stack.append(self)
        return self

    def __exit__(self, *exc):
        device._stack.pop()

    @staticmethod
    def _current():
        """The default device of factory functions, or None for plain cpu."""
        return device._stack[-1] if device._stack else device._default


_CPU = device("cpu")

_NO_CUDA = "Torch not compiled with CUDA enabled"


def _check_device(dev):
    """Moving to cpu is a no-op; any accelerator fails the way a CPU-only torch fails."""
    if dev is None:
        return
    d = dev if isinstance(dev, device) else device(dev if isinstance(dev, str) else f"cuda:{int(dev)}")
    if d.type == "cuda":
        raise AssertionError(_NO_CUDA)
    if d.type != "cpu":
        raise RuntimeError(f"minitorch_compat runs on the CPU only; cannot use device '{d}'")


def _wrap(array, requires_grad=False):
    """A Tensor around ``array`` (no copy). The one way new tensors are made internally."""
    t = object.__new__(Tensor)
    t._data = array if type(array) is np.ndarray else np.asanyarray(array)  # (keeps a BFloat16Array)
    if requires_grad:
        t.requires_grad = True
    return t


class Tensor:
    """A multi-dimensional array that can record the operations applied to it."""

    __module__ = "minitorch_compat"  # torch.Tensor, torch.Size...: torch names them at the top level

    # Autograd meta, as class-level defaults (see module docstring).
    _requires_grad = False
    _grad = None
    grad_fn = None
    _output_nr = 0
    _hooks = None
    _next = ()             # a leaf with hooks is a node of the backward walk, with no edges (engine.py)
    _retains_grad = False
    _version_count = 0     # in-place modifications of this data (read through ``_version``)
    _version_base = None   # the tensor whose count this one shares: a view's base, or what it detached from
    _base = None           # a view's base tensor (torch's ``_base``)
    _inplace_epoch = 0     # class-wide: bumped by every in-place change, so autograd re-checks saved tensors
    __array_priority__ = 1000  # so ndarray + Tensor defers to Tensor.__radd__

    def __new__(cls, *args, **kwargs):
        # The legacy constructor (see _tensor_types.py): torch.Tensor(2, 3) is an
        # uninitialised float32 tensor, torch.Tensor([1, 2]) copies data into the default dtype.
        from ._tensor_types import legacy_new
        return legacy_new(cls, _dtype.get_default_dtype(), args, kwargs, any_tensor=True)

    def __init__(self, *args, **kwargs):
        pass

    # ---- metadata -------------------------------------------------------------------
    @property
    def dtype(self):
        return of_array(self._data)

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize  # (bfloat16: torch's 2 bytes, though stored in 4 here)

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return self._data.size * self.dtype.itemsize

    def stride(self, dim=None):
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[_wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    @property
    def device(self):
        return _CPU

    is_cuda = False
    is_sparse = False
    is_quantized = False
    is_meta = False
    layout = _layout.strided

    @property
    def T(self):
        return _shape.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        return _shape.transpose(self, -2, -1)

    @property
    def data(self):
        """The same storage, detached from autograd (``Tensor.data``)."""
        return _wrap(self._data)

    @data.setter
    def data(self, value):
        self._data = value._data

    # ---- autograd -------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None:
            if not flag:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
            return
        if flag and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value.dtype._cpp_name}' to a tensor with grad_dtype "
                    f"'{self.dtype._scalar_name}'. The gradient must match the tensor's grad_dtype (defaults to the "
                    "tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to "
                    "allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient "
                    "may break downstream systems that assume they match.")
        self._grad = value

    def retain_grad(self):
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def keep(grad):
            t = ref()
            if t is not None:
                t._grad = grad.clone() if t._grad is None else t._grad + grad
        _hooks.retain_grad_hook(self, keep)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a replacement."""
        return _hooks.register_tensor_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` after a gradient was accumulated into this leaf's ``.grad``."""
        return _hooks.register_post_accumulate_grad_hook(self, hook)

    @property
    def _version(self):
        """How many in-place operations changed this tensor's data. Views and ``detach()``
        share the count of the tensor they look at (torch's version counter); autograd
        refuses a saved tensor whose count moved (``autograd/saved_variable.py``)."""
        return (self if self._version_base is None else self._version_base)._version_count

    @_version.setter
    def _version(self, value):  # (and the class-wide epoch moves, see _inplace_epoch above)
        (self if self._version_base is None else self._version_base)._version_count, Tensor._inplace_epoch = value, Tensor._inplace_epoch + 1

    def _is_view(self):
        return self._base is not None

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        _backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """The same data without history; it shares this tensor's version counter."""
        t = _wrap(self._data)
        t._version_base = self if self._version_base is None else self._version_base
        return t

    def detach_(self):
        self.grad_fn, self._requires_grad = None, False
        return self

    # ---- conversion -----------------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self.dtype is _dtype.bfloat16:  # NumPy has no bfloat16
            raise TypeError("Got unsupported ScalarType BFloat16")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad and _numpy_dispatch.recording():
            _numpy_dispatch.refuse("a NumPy array of a tensor that requires grad")
        data = self.numpy(force=True)
        return data if dtype is None else data.astype(dtype, copy=False)

    # NumPy functions given a Tensor (``np.exp(t)``): as torch, or, inside a backward that
    # records a graph, our differentiable ops (see autograd/numpy_dispatch.py).
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _numpy_dispatch.on_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _numpy_dispatch.on_function(func, args, kwargs)

    def __float__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __complex__(self):
        return complex(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def to(self, *args, **kwargs):
        """``.to(dtype)``, ``.to(device)``, ``.to(other)``, ``.to(device, dtype)``; copies only when needed."""
        dtype = kwargs.get("dtype")
        dev = kwargs.get("device")
        copy = kwargs.get("copy", False)
        for a in args:
            if isinstance(a, _dtype.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, device, int)):
                dev = a
        _check_device(dev)
        if dtype is None or dtype is self.dtype:
            return self.clone() if copy else self
        return _pointwise.cast(self, dtype)

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return self.dtype._legacy_type
        if isinstance(dtype, str):
            by_name = {d._legacy_type: d for d in _dtype._ALL}
            if dtype not in by_name:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = by_name[dtype]
        return self.to(getattr(dtype, "dtype", dtype))  # torch.LongTensor carries its dtype

    def type_as(self, other):
        return self.to(other.dtype)

    def cpu(self, memory_format=None):
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        raise AssertionError(_NO_CUDA)

    def pin_memory(self, device=None):
        return self

    def is_pinned(self, device=None):
        return False

    def share_memory_(self):
        return self

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def bfloat16(self):
        return self.to(_dtype.bfloat16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool_)

    def clone(self, *, memory_format=None):
        return _shape.clone(self)

    def contiguous(self, memory_format=None):
        return self if self._data.flags.c_contiguous else _shape.clone(self)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(_shape.unbind(self, 0))

    def __hash__(self):
        return id(self)

    def __contains__(self, element):
        return bool((self == element).any())

    def __repr__(self, *, tensor_contents=None):
        return _tensor_str._str(self, tensor_contents=tensor_contents)

    def __reduce_ex__(self, proto):
        # Plain pickling (DataLoader workers, copy.deepcopy); torch.save has its own format.
        return (_rebuild, (self._data, self._requires_grad, type(self)))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001")
        new = _rebuild(self._data.copy(), self._requires_grad, type(self))
        if self._grad is not None:
            new._grad = _wrap(self._grad._data.copy())
        memo[id(self)] = new
        return new

    # ---- operators ------------------------------------------------------------------
    def __add__(self, other): return _pointwise.add(self, other)
    def __radd__(self, other): return _pointwise.add(self, other)
    def __sub__(self, other): return _pointwise.sub(self, other)
    def __rsub__(self, other): return _pointwise.rsub(self, other)
    def __mul__(self, other): return _pointwise.mul(self, other)
    def __rmul__(self, other): return _pointwise.mul(self, other)
    def __truediv__(self, other): return _pointwise.div(self, other)
    # Reflected ops keep the Python number a weak scalar (torch's "wrapped number").
    # ``2 / t`` is ``reciprocal(t) * 2`` in torch (hence its MulBackward0): same here.
    def __rtruediv__(self, other): return _pointwise.mul(_pointwise.reciprocal(self), other)
    def __floordiv__(self, other): return _pointwise.floor_divide(self, other)
    def __rfloordiv__(self, other): return _pointwise.floor_divide(other, self)
    def __mod__(self, other): return _pointwise.remainder(self, other)
    def __rmod__(self, other): return _pointwise.remainder(other, self)
    def __pow__(self, other): return _pointwise.pow(self, other)
    def __rpow__(self, other): return _pointwise.pow(other, self)
    def __matmul__(self, other): return _linalg.matmul(self, other)
    def __rmatmul__(self, other): return _linalg.matmul(other, self)
    def __neg__(self): return _pointwise.neg(self)
    def __pos__(self): return self
    def __abs__(self): return _pointwise.abs(self)
    def __invert__(self): return _pointwise.bitwise_not(self)
    def __and__(self, other): return _pointwise.bitwise_and(self, other)
    __rand__ = __and__
    def __or__(self, other): return _pointwise.bitwise_or(self, other)
    __ror__ = __or__
    def __xor__(self, other): return _pointwise.bitwise_xor(self, other)
    __rxor__ = __xor__
    def __eq__(self, other): return _pointwise.eq(self, other)
    def __ne__(self, other): return _pointwise.ne(self, other)
    def __lt__(self, other): return _pointwise.lt(self, other)
    def __le__(self, other): return _pointwise.le(self, other)
    def __gt__(self, other): return _pointwise.gt(self, other)
    def __ge__(self, other): return _pointwise.ge(self, other)
    def __iadd__(self, other): return self.add_(other)
    def __isub__(self, other): return self.sub_(other)
    def __imul__(self, other): return self.mul_(other)
    def __itruediv__(self, other): return self.div_(other)
    def __getitem__(self, key): return _shape.getitem(self, key)
    def __setitem__(self, key, value): _shape.setitem(self, key, value)

    # ---- in-place updates (see _ops/inplace.py) ---------------------------------------
    def add_(self, other, *, alpha=1): return _inplace.inplace(self, _pointwise.add, other, alpha=alpha)
    def sub_(self, other, *, alpha=1): return _inplace.inplace(self, _pointwise.sub, other, alpha=alpha)
    def mul_(self, other): return _inplace.inplace(self, _pointwise.mul, other)
    def div_(self, other, *, rounding_mode=None): return _inplace.inplace(self, _pointwise.div, other, rounding_mode=rounding_mode)
    def pow_(self, exponent): return _inplace.inplace(self, _pointwise.pow, exponent)
    def clamp_(self, min=None, max=None): return _inplace.inplace(self, _pointwise.clamp, min, max)
    clip_ = clamp_
    def relu_(self): return _inplace.inplace(self, _pointwise.relu)
    def sigmoid_(self): return _inplace.inplace(self, _pointwise.sigmoid)
    def tanh_(self): return _inplace.inplace(self, _pointwise.tanh)
    def exp_(self): return _inplace.inplace(self, _pointwise.exp)
    def log_(self): return _inplace.inplace(self, _pointwise.log)
    def sqrt_(self): return _inplace.inplace(self, _pointwise.sqrt)
    def abs_(self): return _inplace.inplace(self, _pointwise.abs)
    def neg_(self): return _inplace.inplace(self, _pointwise.neg)
    def addcmul_(self, t1, t2, *, value=1): return _inplace.inplace(self, _pointwise.addcmul, t1, t2, value=value)
    def addcdiv_(self, t1, t2, *, value=1): return _inplace.inplace(self, _pointwise.addcdiv, t1, t2, value=value)
    def lerp_(self, end, weight): return _inplace.inplace(self, _pointwise.lerp, end, weight)
    def masked_fill_(self, mask, value): return _inplace.inplace(self, _shape.masked_fill, mask, value)
    def copy_(self, src, non_blocking=False): return _inplace.copy_(self, src)
    def zero_(self): return _inplace.zero_(self)
    def fill_(self, value): return _inplace.fill_(self, value)
    def uniform_(self, a=0.0, b=1.0, *, generator=None): return _sampling.uniform_(self, a, b, generator=generator)
    def normal_(self, mean=0.0, std=1.0, *, generator=None): return _sampling.normal_(self, mean, std, generator=generator)
    def random_(self, *args, generator=None, **kwargs): return _sampling.random_(self, *args, generator=generator, **kwargs)
    def bernoulli_(self, p=0.5, *, generator=None): return _sampling.bernoulli_(self, p, generator=generator)
    def exponential_(self, lambd=1.0, *, generator=None): return _sampling.exponential_(self, lambd, generator=generator)

    # ---- math methods: thin aliases of the functions in _ops ---------------------------
    def add(self, other, *, alpha=1): return _pointwise.add(self, other, alpha=alpha)
    def sub(self, other, *, alpha=1): return _pointwise.sub(self, other, alpha=alpha)
    subtract = sub
    def mul(self, other): return _pointwise.mul(self, other)
    multiply = mul
    def div(self, other, *, rounding_mode=None): return _pointwise.div(self, other, rounding_mode=rounding_mode)
    divide = true_divide = div
    def pow(self, exponent): return _pointwise.pow(self, exponent)
    def matmul(self, other): return _linalg.matmul(self, other)
    def mm(self, other): return _linalg.mm(self, other)
    def bmm(self, other): return _linalg.bmm(self, other)
    def mv(self, vec): return _linalg.mv(self, vec)
    def dot(self, other): return _linalg.dot(self, other)
    def outer(self, other): return _linalg.outer(self, other)
    def addcmul(self, t1, t2, *, value=1): return _pointwise.addcmul(self, t1, t2, value=value)
    def addcdiv(self, t1, t2, *, value=1): return _pointwise.addcdiv(self, t1, t2, value=value)
    def lerp(self, end, weight): return _pointwise.lerp(self, end, weight)
    def neg(self): return _pointwise.neg(self)
    negative = neg
    def abs(self): return _pointwise.abs(self)
    absolute = abs
    def exp(self): return _pointwise.exp(self)
    def log(self): return _pointwise.log(self)
    def log2(self): return _pointwise.log2(self)
    def log10(self): return _pointwise.log10(self)
    def log1p(self): return _pointwise.log1p(self)
    def expm1(self): return _pointwise.expm1(self)
    def sqrt(self): return _pointwise.sqrt(self)
    def rsqrt(self): return _pointwise.rsqrt(self)
    def square(self): return _pointwise.square(self)
    def reciprocal(self): return _pointwise.reciprocal(self)
    def sin(self): return _pointwise.sin(self)
    def cos(self): return _pointwise.cos(self)
    def tanh(self): return _pointwise.tanh(self)
    def sigmoid(self): return _pointwise.sigmoid(self)
    def erf(self): return _special.erf(self)
    def erfc(self): return _special.erfc(self)
    def relu(self): return _pointwise.relu(self)
    def sign(self): return _pointwise.sign(self)
    def floor(self): return _pointwise.floor(self)
    def ceil(self): return _pointwise.ceil(self)
    def round(self, *, decimals=0): return _pointwise.round(self, decimals=decimals)
    def trunc(self): return _pointwise.trunc(self)
    def frac(self): return _pointwise.frac(self)
    def clamp(self, min=None, max=None): return _pointwise.clamp(self, min, max)
    clip = clamp
    def maximum(self, other): return _pointwise.maximum(self, other)
    def minimum(self, other): return _pointwise.minimum(self, other)
    def eq(self, other): return _pointwise.eq(self, other)
    def ne(self, other): return _pointwise.ne(self, other)
    def lt(self, other): return _pointwise.lt(self, other)
    def le(self, other): return _pointwise.le(self, other)
    def gt(self, other): return _pointwise.gt(self, other)
    def ge(self, other): return _pointwise.ge(self, other)
    def logical_not(self): return _pointwise.logical_not(self)
    def logical_and(self, other): return _pointwise.logical_and(self, other)
    def logical_or(self, other): return _pointwise.logical_or(self, other)
    def isnan(self): return _pointwise.isnan(self)
    def isinf(self): return _pointwise.isinf(self)
    def isfinite(self): return _pointwise.isfinite(self)
    def equal(self, other): return _pointwise.equal(self, other)
    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False): return _pointwise.allclose(self, other, rtol, atol, equal_nan)
    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False): return _pointwise.isclose(self, other, rtol, atol, equal_nan)
    def where(self, condition, other): return _pointwise.where(condition, self, other)
    def softmax(self, dim, dtype=None): return _activation.softmax(self, dim, dtype=dtype)
    def log_softmax(self, dim, dtype=None): return _activation.log_softmax(self, dim, dtype=dtype)

    def tan(self): return _pointwise.tan(self)
    def asin(self): return _pointwise.asin(self)
    def acos(self): return _pointwise.acos(self)
    def atan(self): return _pointwise.atan(self)
    def sinh(self): return _pointwise.sinh(self)
    def cosh(self): return _pointwise.cosh(self)
    def asinh(self): return _pointwise.asinh(self)
    def acosh(self): return _pointwise.acosh(self)
    def atanh(self): return _pointwise.atanh(self)
    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
    def sinc(self): return _pointwise.sinc(self)
    def exp2(self): return _pointwise.exp2(self)
    def deg2rad(self): return _pointwise.deg2rad(self)
    def rad2deg(self): return _pointwise.rad2deg(self)
    def erfinv(self): return _special.erfinv(self)
    def sgn(self): return _pointwise.sgn(self)
    fix = trunc
    def atan2(self, other): return _pointwise.atan2(self, other)
    arctan2 = atan2
    def hypot(self, other): return _pointwise.hypot(self, other)
    def logaddexp(self, other): return _pointwise.logaddexp(self, other)
    def xlogy(self, other): return _pointwise.xlogy(self, other)
    def fmod(self, other): return _pointwise.fmod(self, other)
    def remainder(self, other): return _pointwise.remainder(self, other)
    def clamp_min(self, min): return _pointwise.clamp_min(self, min)
    def clamp_max(self, max): return _pointwise.clamp_max(self, max)
    def nan_to_num(self, nan=0.0, posinf=None, neginf=None): return _pointwise.nan_to_num(self, nan, posinf, neginf)

    # in place (torch.sin_(x) and friends are these methods, see __init__.py)
    def sin_(self): return _inplace.inplace(self, _pointwise.sin)
    def cos_(self): return _inplace.inplace(self, _pointwise.cos)
    def tan_(self): return _inplace.inplace(self, _pointwise.tan)
    def asin_(self): return _inplace.inplace(self, _pointwise.asin)
    def acos_(self): return _inplace.inplace(self, _pointwise.acos)
    def atan_(self): return _inplace.inplace(self, _pointwise.atan)
    def sinh_(self): return _inplace.inplace(self, _pointwise.sinh)
    def cosh_(self): return _inplace.inplace(self, _pointwise.cosh)
    def asinh_(self): return _inplace.inplace(self, _pointwise.asinh_inplace)
    def acosh_(self): return _inplace.inplace(self, _pointwise.acosh_inplace)
    def atanh_(self): return _inplace.inplace(self, _pointwise.atanh_inplace)
    arcsin_, arccos_, arctan_, arcsinh_, arccosh_, arctanh_ = asin_, acos_, atan_, asinh_, acosh_, atanh_
    def sinc_(self): return _inplace.inplace(self, _pointwise.sinc)
    def exp2_(self): return _inplace.inplace(self, _pointwise.exp2)
    def expm1_(self): return _inplace.inplace(self, _pointwise.expm1)
    def log2_(self): return _inplace.inplace(self, _pointwise.log2)
    def log10_(self): return _inplace.inplace(self, _pointwise.log10)
    def log1p_(self): return _inplace.inplace(self, _pointwise.log1p)
    def rsqrt_(self): return _inplace.inplace(self, _pointwise.rsqrt)
    def reciprocal_(self): return _inplace.inplace(self, _pointwise.reciprocal)
    def square_(self): return _inplace.inplace(self, _pointwise.square)
    def deg2rad_(self): return _inplace.inplace(self, _pointwise.deg2rad)
    def rad2deg_(self): return _inplace.inplace(self, _pointwise.rad2deg)
    def erf_(self): return _inplace.inplace(self, _special.erf)
    def erfc_(self): return _inplace.inplace(self, _special.erfc)
    def erfinv_(self): return _inplace.inplace(self, _special.erfinv)
    def sign_(self): return _inplace.inplace(self, _pointwise.sign)
    def sgn_(self): return _inplace.inplace(self, _pointwise.sgn)
    def floor_(self): return _inplace.inplace(self, _pointwise.floor)
    def ceil_(self): return _inplace.inplace(self, _pointwise.ceil)
    def trunc_(self): return _inplace.inplace(self, _pointwise.trunc)
    fix_ = trunc_
    def frac_(self): return _inplace.inplace(self, _pointwise.frac)
    def round_(self, *, decimals=0): return _inplace.inplace(self, _pointwise.round, decimals=decimals)
    absolute_, negative_ = abs_, neg_
    def atan2_(self, other): return _inplace.inplace(self, _pointwise.atan2, other)
    arctan2_ = atan2_
    def hypot_(self, other): return _inplace.inplace(self, _pointwise.hypot, other)
    def xlogy_(self, other): return _inplace.inplace(self, _pointwise.xlogy, other)
    def fmod_(self, other): return _inplace.inplace(self, _pointwise.fmod, other)
    def remainder_(self, other): return _inplace.inplace(self, _pointwise.remainder, other)
    def clamp_min_(self, min): return _inplace.inplace(self, _pointwise.clamp_min, min)
    def clamp_max_(self, max): return _inplace.inplace(self, _pointwise.clamp_max, max)
    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None): return _inplace.inplace(self, _pointwise.nan_to_num, nan, posinf, neginf)

    def sum(self, dim=None, keepdim=False, *, dtype=None): return _reduction.sum(self, dim, keepdim, dtype=dtype)
    def mean(self, dim=None, keepdim=False, *, dtype=None): return _reduction.mean(self, dim, keepdim, dtype=dtype)
    def prod(self, dim=None, keepdim=False, *, dtype=None): return _reduction.prod(self, dim, keepdim, dtype=dtype)
    def max(self, dim=None, keepdim=False): return _reduction.max(self, dim, keepdim)
    def min(self, dim=None, keepdim=False): return _reduction.min(self, dim, keepdim)
    def amax(self, dim=(), keepdim=False): return _reduction.amax(self, dim, keepdim)
    def amin(self, dim=(), keepdim=False): return _reduction.amin(self, dim, keepdim)
    def argmax(self, dim=None, keepdim=False): return _reduction.argmax(self, dim, keepdim)
    def argmin(self, dim=None, keepdim=False): return _reduction.argmin(self, dim, keepdim)
    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None): return _reduction.var(self, dim, unbiased, keepdim, correction=correction)
    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None): return _reduction.std(self, dim, unbiased, keepdim, correction=correction)
    def logsumexp(self, dim, keepdim=False): return _reduction.logsumexp(self, dim, keepdim)
    def norm(self, p="fro", dim=None, keepdim=False, dtype=None): return _reduction.norm(self, p, dim, keepdim, dtype=dtype)
    def all(self, dim=None, keepdim=False): return _reduction.all(self, dim, keepdim)
    def any(self, dim=None, keepdim=False): return _reduction.any(self, dim, keepdim)

    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            if _dtype.bfloat16 in (shape[0], self.dtype):  # its storage is not torch's 2 bytes
                raise NotImplementedError("minitorch_compat does not implement Tensor.view(dtype) for bfloat16 yet")
            return _wrap(self._data.view(_dtype.note_dtype(shape[0])._np))
        return _shape.view(self, *shape)
    def view_as(self, other): return _shape.view(self, other.shape)
    def reshape(self, *shape): return _shape.reshape(self, *shape)
    def reshape_as(self, other): return _shape.reshape(self, other.shape)
    def flatten(self, start_dim=0, end_dim=-1): return _shape.flatten(self, start_dim, end_dim)
    def unflatten(self, dim, sizes): return _shape.unflatten(self, dim, sizes)
    def squeeze(self, dim=None): return _shape.squeeze(self, dim)
    def unsqueeze(self, dim): return _shape.unsqueeze(self, dim)
    def t(self): return _shape.t(self)
    def transpose(self, dim0, dim1): return _shape.transpose(self, dim0, dim1)
    swapaxes = swapdims = transpose
    def permute(self, *dims): return _shape.permute(self, *dims)
    def expand(self, *sizes): return _shape.expand(self, *sizes)
    def expand_as(self, other): return _shape.expand(self, other.shape)
    def repeat(self, *sizes): return _shape.repeat(self, *sizes)
    def split(self, split_size, dim=0): return _shape.split(self, split_size, dim)
    def chunk(self, chunks, dim=0): return _shape.chunk(self, chunks, dim)
    def unbind(self, dim=0): return _shape.unbind(self, dim)
    def narrow(self, dim, start, length): return _shape.narrow(self, dim, start, length)
    def select(self, dim, index): return _shape.select(self, dim, index)
    def flip(self, dims): return _shape.flip(self, dims)
    def masked_fill(self, mask, value): return _shape.masked_fill(self, mask, value)
    def gather(self, dim, index): return _shape.gather(self, dim, index)
    def index_select(self, dim, index): return _shape.index_select(self, dim, index)
    def sort(self, dim=-1, descending=False, stable=False): return _sorting.sort(self, dim, descending, stable)
    def argsort(self, dim=-1, descending=False, stable=False): return _sorting.argsort(self, dim, descending, stable)
    def topk(self, k, dim=-1, largest=True, sorted=True): return _sorting.topk(self, k, dim, largest, sorted)
    def scatter(self, dim, index, src=None, *, value=None, reduce=None): return _scatter.scatter(self, dim, index, src, value=value, reduce=reduce)
    def scatter_add(self, dim, index, src): return _scatter.scatter_add(self, dim, index, src)
    def scatter_(self, dim, index, src=None, *, value=None, reduce=None): return _inplace.inplace(self, _scatter.scatter, dim, index, src, value=value, reduce=reduce)
    def scatter_add_(self, dim, index, src): return _inplace.inplace(self, _scatter.scatter_add, dim, index, src)

    # ---- more of torch's tensor API (issue 17) ----------------------------------------
    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None): return _sorting.unique(self, sorted, return_inverse, return_counts, dim)
    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None): return _sorting.unique_consecutive(self, return_inverse, return_counts, dim)
    def histc(self, bins=100, min=0, max=0): return _summary.histc(self, bins, min, max)
    def bincount(self, weights=None, minlength=0): return _summary.bincount(self, weights, minlength)
    def cumsum(self, dim, *, dtype=None): return _cumulative.cumsum(self, dim, dtype=dtype)
    def cumprod(self, dim, *, dtype=None): return _cumulative.cumprod(self, dim, dtype=dtype)
    def cumsum_(self, dim, *, dtype=None): return _inplace.inplace(self, _cumulative.cumsum, dim, dtype=dtype)
    def cumprod_(self, dim, *, dtype=None): return _inplace.inplace(self, _cumulative.cumprod, dim, dtype=dtype)
    def cummax(self, dim): return _cumulative.cummax(self, dim)
    def cummin(self, dim): return _cumulative.cummin(self, dim)
    def logcumsumexp(self, dim): return _cumulative.logcumsumexp(self, dim)
    def diff(self, n=1, dim=-1, prepend=None, append=None): return _transformations.diff(self, n, dim, prepend, append)
    def kron(self, other): return _linalg.kron(self, other)
    def tril(self, diagonal=0): return _transformations.tril(self, diagonal)
    def triu(self, diagonal=0): return _transformations.triu(self, diagonal)
    def tril_(self, diagonal=0): return _inplace.inplace(self, _transformations.tril, diagonal)
    def triu_(self, diagonal=0): return _inplace.inplace(self, _transformations.triu, diagonal)
    def diagonal(self, offset=0, dim1=0, dim2=1): return _matrix_functions.diagonal(self, offset, dim1, dim2)
    def matrix_exp(self): return _matrix_functions.matrix_exp(self)
    def roll(self, shifts, dims=None): return _transformations.roll(self, shifts, dims)
    def rot90(self, k=1, dims=(0, 1)): return _transformations.rot90(self, k, dims)
    def repeat_interleave(self, repeats, dim=None, *, output_size=None): return _transformations.repeat_interleave(self, repeats, dim, output_size=output_size)
    def index_add(self, dim, index, source, *, alpha=1): return _scatter.index_add(self, dim, index, source, alpha=alpha)
    def index_add_(self, dim, index, source, *, alpha=1): return _inplace.inplace(self, _scatter.index_add, dim, index, source, alpha=alpha)
    def index_copy(self, dim, index, source): return _scatter.index_copy(self, dim, index, source)
    def index_copy_(self, dim, index, source): return _inplace.inplace(self, _scatter.index_copy, dim, index, source)
    def index_fill(self, dim, index, value): return _scatter.index_fill(self, dim, index, value)
    def index_fill_(self, dim, index, value): return _inplace.inplace(self, _scatter.index_fill, dim, index, value)
    def masked_scatter(self, mask, source): return _scatter.masked_scatter(self, mask, source)
    def masked_scatter_(self, mask, source): return _inplace.inplace(self, _scatter.masked_scatter, mask, source)
    def take(self, index): return _scatter.take(self, index)
    def take_along_dim(self, indices, dim=None): return _scatter.take_along_dim(self, indices, dim)
    def det(self): return _linalg_solve.det(self)
    def inverse(self): return _linalg_solve.inv(self)
    def slogdet(self): return _linalg_solve.torch_slogdet(self)
    def logdet(self): return _linalg_solve.logdet(self)
    def pinverse(self, rcond=1e-15): return _linalg_solve.pinverse(self, rcond)
    def cross(self, other, dim=None): return _linalg.torch_cross(self, other, dim)


def _rebuild(data, requires_grad, cls):
    _dtype.note_dtype(_dtype.of_array(data))  # (a 16-bit tensor from another process)
    t = object.__new__(cls)
    t._data = data
    t._requires_grad = requires_grad
    return t


def _wrap_dim(dim, ndim):
    """Normalise a possibly negative ``dim``; IndexError like torch when out of range."""
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return dim + ndim if dim < 0 else dim


def _size_args(args):
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(torch.Size([2, 3]))``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    try:
        return tuple(int(a.__index__()) for a in args)
    except AttributeError:
        raise TypeError(f"size must be a tuple of ints, but got {args!r}") from None


# The ops import Tensor, so they are imported after it is defined.
from . import _tensor_str  # noqa: E402
from ._ops import pointwise as _pointwise, shape as _shape, linalg as _linalg, reduction as _reduction  # noqa: E402
from ._ops import activation as _activation, inplace as _inplace, sampling as _sampling  # noqa: E402
from ._ops import sorting as _sorting, scatter as _scatter, special as _special  # noqa: E402
from ._ops import summary as _summary, cumulative as _cumulative, transformations as _transformations  # noqa: E402
from ._ops import linalg_solve as _linalg_solve  # noqa: E402
from ._ops import matrix_functions as _matrix_functions  # noqa: E402
from .autograd import backward as _backward, numpy_dispatch as _numpy_dispatch, graph_hooks as _hooks  # noqa: E402
from ._numpy_compat import add_numpy_aliases  # noqa: E402

add_numpy_aliases(Tensor)  # x.sum(axis=1, keepdims=True), as torch allows
_numpy_dispatch.add_array_methods(Tensor)  # g.astype(...) inside a backward formula run on Tensors
