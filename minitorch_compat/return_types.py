"""``torch.return_types``: the named tuples returned by ``max(dim)``, ``sort``, ``topk``...

torch builds them as C "structseq" types; they index, unpack and print like this.
"""
import collections


def _make(name, fields):
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    return type(name, (base,), {"__repr__": __repr__, "__slots__": (), "__module__": "torch.return_types"})


max = _make("max", ("values", "indices"))
min = _make("min", ("values", "indices"))
sort = _make("sort", ("values", "indices"))
topk = _make("topk", ("values", "indices"))
mode = _make("mode", ("values", "indices"))
kthvalue = _make("kthvalue", ("values", "indices"))
var_mean = _make("var_mean", ("var", "mean"))  # torch returns a plain tuple; kept for reference
cummax = _make("cummax", ("values", "indices"))
cummin = _make("cummin", ("values", "indices"))
slogdet = _make("slogdet", ("sign", "logabsdet"))
linalg_slogdet = _make("linalg_slogdet", ("sign", "logabsdet"))
linalg_lstsq = _make("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
linalg_svd = _make("linalg_svd", ("U", "S", "Vh"))
linalg_qr = _make("linalg_qr", ("Q", "R"))
linalg_eigh = _make("linalg_eigh", ("eigenvalues", "eigenvectors"))
geqrf = _make("geqrf", ("a", "tau"))
