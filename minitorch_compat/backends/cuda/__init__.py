"""``torch.backends.cuda``: cuBLAS settings for CUDA matrix products; there is no CUDA here.

``torch.backends.cuda.matmul.allow_tf32`` is the other face of
``torch.set_float32_matmul_precision``: True means "high" (TF32 allowed), False means
"highest"; reading and writing either one is seen by the other, as in torch.
"""
from ... import _runtime


def is_built():
    """Return whether PyTorch is built with CUDA support (no: CPU only)."""
    return False


class cuBLASModule:  # noqa: N801 - torch's name
    """``torch.backends.cuda.matmul``: cuBLAS's flags."""

    _FLAGS = {"allow_fp16_reduced_precision_reduction": True, "allow_bf16_reduced_precision_reduction": True,
              "allow_fp16_accumulation": False}

    def __getattr__(self, name):
        if name == "allow_tf32":
            return _runtime.get_float32_matmul_precision() != "highest"
        if name in self._FLAGS:
            return self.__dict__.get("_" + name, self._FLAGS[name])
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name, value):
        if name == "allow_tf32":
            if not isinstance(value, bool):
                raise RuntimeError(f"set_allow_tf32_cublas expects a bool, but got {type(value).__name__}")
            _runtime.set_float32_matmul_precision("high" if value else "highest")
        elif name in self._FLAGS:
            self.__dict__["_" + name] = value
        else:
            raise AttributeError("Unknown attribute " + name)


matmul = cuBLASModule()
