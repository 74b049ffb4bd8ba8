"""The operations. Each differentiable op is one small ``Function`` with its forward and
backward side by side (torch keeps the forward kernels in ``aten/src/ATen/native`` and
the backward formulas in ``tools/autograd/derivatives.yaml``; here they sit together).

* ``pointwise.py``: elementwise math, comparisons, casts.
* ``reduction.py``: sum, mean, max, var... over dimensions.
* ``shape.py``: views, reshapes, indexing, concatenation.
* ``linalg.py``: matrix products (matmul, tensordot, kron, cross); ``matmul_graph.py``: the
  nodes torch shows for a batched matmul.
* ``linalg_decomp.py``, ``linalg_solve.py``: ``torch.linalg``'s decompositions, inverses and solvers;
  ``matrix_functions.py``: diagonal, matrix_exp, geqrf, householder_product (what
  ``parametrizations.orthogonal`` is built from).
* ``cumulative.py``: cumsum, cumprod, cummax, cummin, logcumsumexp.
* ``transformations.py``: roll, rot90, tril/triu, diff, repeat_interleave, meshgrid, block_diag...
* ``sorting.py``: sort, topk, unique, searchsorted; ``summary.py``: bincount, histc.
* ``scatter.py``: scatter, index_add/copy/fill, masked_scatter, take, embedding.
* ``einsum.py``, ``distance.py`` (cdist), ``special.py`` (erf, erfinv).
* ``activation.py``: softmax, log_softmax and the activation functions; ``dropout.py``.
* ``loss.py``, ``loss_nll.py``: the losses (cross entropy as log_softmax + nll_loss).
* ``conv.py``, ``pooling.py``, ``padding.py``, ``upsampling.py``, ``pixel_shuffle.py``:
  images; ``normalization.py``: batch and layer norm; ``weight_norm.py``: ``_weight_norm``,
  ``norm_except_dim``.
* ``rnn.py``, ``packed_sequence.py``, ``attention.py``: sequence models.
* ``creation.py``: tensor(), zeros()...; ``range_factories.py``: arange, linspace, logspace.
* ``sampling.py``: random tensors from the torch-exact generator.
* ``inplace.py``: how ``x.add_(y)`` and friends update a tensor and its graph.
"""
