"""The operations. Each differentiable op is one small ``Function`` with its forward and
backward side by side (torch keeps the forward kernels in ``aten/src/ATen/native`` and
the backward formulas in ``tools/autograd/derivatives.yaml``; here they sit together).

* ``pointwise.py``: elementwise math, comparisons, casts.
* ``reduction.py``: sum, mean, max, var... over dimensions.
* ``shape.py``: views, reshapes, indexing, concatenation.
* ``linalg.py``: matrix products.
* ``activation.py``: softmax and log_softmax.
* ``creation.py``: tensor(), zeros(), arange()...
* ``sampling.py``: random tensors from the torch-exact generator.
* ``inplace.py``: how ``x.add_(y)`` and friends update a tensor and its graph.
"""
