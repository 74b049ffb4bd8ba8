"""``torch.backends.mha``: whether ``nn.MultiheadAttention`` and ``nn.TransformerEncoder``
may take their fused inference path (eval mode, no grad).

torch's fused path computes the same attention with one kernel; where its results are
visibly different (NaN for a query that may attend to nothing; zeros at the padded
positions of a ``TransformerEncoder``'s output) our modules reproduce them, under the
same conditions, so this flag matters here too.
"""
_enabled = True


def get_fastpath_enabled():
    """Whether the fast path may be used (default ``True``)."""
    return _enabled


def set_fastpath_enabled(value):
    """Allow or forbid the fast path."""
    global _enabled
    _enabled = bool(value)
