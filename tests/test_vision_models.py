"""``vision.models`` against torchvision 0.29: structure, printing, initialisation, forward
and backward, the weights enums and the registry.

Each architecture is built once, by torchvision and by us after the same
``manual_seed(0)``, and must give:

* the same ``print(model)``, character for character;
* the same ``state_dict``: same keys in the same order and bit-identical values (the
  builders make torchvision's random draws in torchvision's order);
* the same forward and backward, judged relative to each tensor's largest value.
  Measured (batch 4, 3x32x32; AlexNet 3x64x64): float32 eval-mode outputs agree to
  3e-7..8e-7 (tolerance 1e-4); float64 train-mode outputs to 3e-14..2e-12 and all
  gradients to 1e-13..2e-11 (tolerance 1e-9); AlexNet (no BatchNorm) in float32 train
  mode to ~7e-7 (tolerance 1e-4). Float32 train mode is not compared for the
  BatchNorm models: at 32x32 the last stage normalises 4 values per channel, which
  amplifies rounding (5e-4 on ResNet-50's outputs, percents on its gradients) without
  saying anything about the code; float64 checks the same computation exactly.

Costs: our RNG makes the init draws much slower than torch's (VGG's 100M-weight
classifier dominates), so one VGG is built whole (``vgg11_bn``: the head and the init
loop are shared by every VGG) and the other configurations through their ``features``.
"""
import urllib.error
import warnings

import numpy as np
import pytest
import torch
import torchvision

import minitorch_compat as mt
import minitorch_compat.vision as mv

# name -> (input side, dtype of the train-mode comparison or None for none); batch 4.
# resnet34 repeats resnet18's blocks, so its print and init are compared but not its
# forward; vgg11_bn's train step adds nothing the others do not cover and is the costliest.
MODELS = {"resnet18": (32, np.float64), "resnet34": (None, None), "resnet50": (32, np.float64),
          "mobilenet_v2": (32, np.float64), "alexnet": (64, np.float32), "vgg11_bn": (32, None)}


def build(name, **kwargs):
    """(ours, torchvision's), built after the same seed."""
    pair = []
    for T, V in ((mt, mv), (torch, torchvision)):
        T.manual_seed(0)
        pair.append(getattr(V.models, name)(**kwargs))
    return pair


def assert_same_parameters(ours, theirs):
    o, t = ours.state_dict(), theirs.state_dict()
    assert list(o) == list(t)
    for k in t:
        assert str(o[k].dtype) == str(t[k].dtype), k
        np.testing.assert_array_equal(o[k].numpy(), t[k].numpy(), err_msg=k)


def assert_relative(ours, theirs, tol, what):
    ours, theirs = (a if isinstance(a, np.ndarray) else a.detach().numpy() for a in (ours, theirs))
    err = float(np.abs(ours - theirs).max()) / max(float(np.abs(theirs).max()), 1e-30)
    assert err <= tol, f"{what}: {err:.2e} relative to the largest value (tolerance {tol})"


def eval_outputs(pair, x):
    outs = []
    for T, m in zip((mt, torch), pair):
        m.eval()
        with T.no_grad():
            outs.append(m(T.from_numpy(x.copy())))
    return outs


def train_step(pair, x):
    """Train-mode forward and backward in ``x``'s dtype: (output, input grad, parameter grads) per library."""
    res = []
    for T, m in zip((mt, torch), pair):
        m.train().to(getattr(T, x.dtype.name))
        X = T.from_numpy(x.copy()).requires_grad_(True)
        T.manual_seed(1)   # the dropout layers draw the same masks from the same seed
        y = m(X)
        y.backward(T.from_numpy(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)).astype(x.dtype)))
        # NumPy copies: converting the model back to float32 converts torch's .grad in place
        res.append((y.detach().numpy().copy(), X.grad.numpy().copy(),
                    {k: p.grad.numpy().copy() for k, p in m.named_parameters()}))
        m.float().zero_grad()
    return res


@pytest.mark.parametrize("name", list(MODELS))
def test_model_matches_torchvision(name):
    """Print, init, eval forward, train forward and backward; each model is built once."""
    pair = build(name, num_classes=10)
    assert repr(pair[0]) == repr(pair[1])
    assert_same_parameters(*pair)
    size, dtype = MODELS[name]
    if size is None:
        return
    x = np.random.default_rng(0).standard_normal((4, 3, size, size))
    assert_relative(*eval_outputs(pair, x.astype(np.float32)), 1e-4, "eval output")
    if dtype is None:
        return
    (y, gx, gp), (ty, tgx, tgp) = train_step(pair, x.astype(dtype))
    tol = 1e-9 if dtype == np.float64 else 1e-4
    assert_relative(y, ty, tol, "output")
    assert_relative(gx, tgx, tol, "input gradient")
    # a bias whose exact gradient is 0 (a conv bias or BatchNorm shift feeding a BatchNorm)
    # holds only rounding noise, so each gradient is also judged against the model's largest
    largest = max(float(np.abs(g).max()) for g in tgp.values())
    for k, g in tgp.items():
        err = float(np.abs(gp[k] - g).max())
        assert err <= tol * max(float(np.abs(g).max()), 1e-2 * largest), k


@pytest.mark.parametrize("cfg,bn", [("A", False), ("D", False), ("D", True)])
def test_other_vgg_feature_stacks(cfg, bn):
    """vgg11 ("A"), vgg16 ("D"), vgg16_bn: the stacks that differ from vgg11_bn's."""
    pair = []
    for T, V in ((mt, mv), (torch, torchvision)):
        T.manual_seed(0)
        pair.append(V.models.vgg.make_layers(V.models.vgg.cfgs[cfg], batch_norm=bn))
    assert repr(pair[0]) == repr(pair[1])
    assert_same_parameters(*pair)


@pytest.mark.parametrize("name,kwargs", [
    ("resnet18", dict(zero_init_residual=True)),
    ("mobilenet_v2", dict(width_mult=0.5, num_classes=3, dropout=0.1)),
])
def test_builder_options(name, kwargs):
    pair = build(name, **kwargs)
    assert repr(pair[0]) == repr(pair[1])
    assert_same_parameters(*pair)


# ------------------------------------------------------------------------------ weights

@pytest.fixture
def no_network(monkeypatch, tmp_path):
    """A private TORCH_HOME, and a urlopen that fails the way an offline machine does."""
    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(torch.hub, "urlopen", offline)
    monkeypatch.setattr(mt.hub, "urlopen", offline)
    return tmp_path


@pytest.mark.parametrize("kwargs,file", [(dict(weights="MobileNet_V2_Weights.DEFAULT"), "mobilenet_v2-7ebf99e0.pth"),
                                         (dict(pretrained=True), "mobilenet_v2-b0353104.pth")])
def test_pretrained_weights_fail_offline_like_torchvision(no_network, capsys, kwargs, file):
    """(MobileNetV2 because it builds fastest; every builder takes this path.)"""
    errors = []
    for V in (mv, torchvision):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(urllib.error.URLError) as info:
                V.models.mobilenet_v2(**kwargs)
        errors.append((str(info.value), [str(w.message) for w in caught], capsys.readouterr().out))
    assert errors[0] == errors[1]
    assert errors[0][2] == (f'Downloading: "https://download.pytorch.org/models/{file}" to '
                            f"{no_network / 'hub' / 'checkpoints' / file}\n")


def test_cached_checkpoint_loads_like_torchvision(no_network):
    """A checkpoint already in the hub cache (written by real torch.save) is loaded, no download."""
    cache = no_network / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    torch.manual_seed(5)
    torch.save(torchvision.models.mobilenet_v2().state_dict(), cache / "mobilenet_v2-7ebf99e0.pth")
    x = np.random.default_rng(2).standard_normal((1, 3, 32, 32)).astype(np.float32)
    outs = []
    for T, V in ((mt, mv), (torch, torchvision)):
        m = V.models.mobilenet_v2(weights=V.models.MobileNet_V2_Weights.DEFAULT).eval()
        with T.no_grad():
            outs.append(m(T.from_numpy(x.copy())))
    assert_relative(*outs, 1e-4, "output with the cached weights")


@pytest.mark.parametrize("call", [
    lambda V: V.models.resnet18(weights=V.models.ResNet50_Weights.DEFAULT),
    lambda V: V.models.resnet18(weights=V.models.ResNet18_Weights.DEFAULT, num_classes=10),
    lambda V: V.models.resnet18(weights="IMAGENET1K_V2"),
    lambda V: V.models.get_model("resnet1000"),
    lambda V: V.models.get_weight("ResNet18Weights"),
    lambda V: V.models.get_weight("Foo_Weights.DEFAULT"),
])
def test_bad_weights_and_names_raise_torchvisions_errors(call):
    errors = []
    for V in (mv, torchvision):
        with pytest.raises(Exception) as info:
            call(V)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("enum,member", [
    ("ResNet18_Weights", "DEFAULT"), ("ResNet34_Weights", "IMAGENET1K_V1"), ("ResNet50_Weights", "DEFAULT"),
    ("VGG11_Weights", "DEFAULT"), ("VGG11_BN_Weights", "DEFAULT"), ("VGG16_Weights", "IMAGENET1K_FEATURES"),
    ("VGG16_BN_Weights", "DEFAULT"), ("AlexNet_Weights", "DEFAULT"), ("MobileNet_V2_Weights", "DEFAULT"),
])
def test_weights_enums_match_torchvisions(enum, member):
    ours, theirs = getattr(mv.models, enum), getattr(torchvision.models, enum)
    assert list(ours.__members__) == list(theirs.__members__)
    o, t = ours[member], theirs[member]
    assert (repr(o), str(o), o.url) == (repr(t), str(t), t.url)
    categories = t.meta["categories"]
    assert o.meta["num_classes"] == (None if categories is None else len(categories))
    assert (o.meta["num_params"], o.meta["min_size"]) == (t.meta["num_params"], t.meta["min_size"])


def test_registry():
    ours = mv.models.list_models()
    assert ours == ["alexnet", "mobilenet_v2", "resnet18", "resnet34", "resnet50", "vgg11", "vgg11_bn", "vgg16",
                    "vgg16_bn"]
    assert set(ours) <= set(torchvision.models.list_models())
    assert mv.models.list_models(include="vgg*", exclude="*_bn") == ["vgg11", "vgg16"]
    assert mv.models.get_model_weights("resnet50") is mv.models.ResNet50_Weights
    assert mv.models.get_model_weights(mv.models.vgg16) is mv.models.VGG16_Weights
    assert repr(mv.models.get_weight("ResNet50_Weights.IMAGENET1K_V1")) == "ResNet50_Weights.IMAGENET1K_V1"
    assert repr(mv.models.get_model("MobileNet_V2", num_classes=3).classifier[1]) == \
        "Linear(in_features=1280, out_features=3, bias=True)"


def test_legacy_positional_and_pretrained_false_warn_like_torchvision():
    caught_both = []
    for V in (mv, torchvision):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            V.models.mobilenet_v2(False, num_classes=2)
            V.models.mobilenet_v2(pretrained=False, num_classes=2)
        caught_both.append([(w.category, str(w.message)) for w in caught])
    assert caught_both[0] == caught_both[1] and len(caught_both[0]) == 4


def test_conv2d_norm_activation_is_torchvisions():
    from torchvision.ops import Conv2dNormActivation as Theirs
    for kwargs in (dict(), dict(kernel_size=(3, 5), dilation=2, norm_layer=None), dict(activation_layer=None, stride=2)):
        pair = []
        for T, cls in ((mt, mv.ops.Conv2dNormActivation), (torch, Theirs)):
            T.manual_seed(0)
            pair.append(cls(4, 6, **kwargs))
        assert repr(pair[0]) == repr(pair[1]) and pair[0].out_channels == pair[1].out_channels == 6


def test_models_under_run(tmp_path):
    """``import torchvision.models`` and ``torch.nn.parallel`` in an unmodified script resolve
    to ours under ``run``."""
    import os
    import subprocess
    import sys
    script = tmp_path / "models_script.py"
    script.write_text(
        "import torch\nfrom torch.nn.parallel import DataParallel\nfrom torchvision import models\n"
        "from torchvision.models import MobileNet_V2_Weights\n"
        "torch.manual_seed(0)\nm = DataParallel(models.mobilenet_v2(weights=None, num_classes=3))\n"
        "print(m.module.classifier, m.device_ids)\nprint(MobileNet_V2_Weights.DEFAULT, len(models.list_models()) > 0)\n"
        "print(round(m.module.features[0][0].weight.sum().item(), 4), m(torch.ones(2, 3, 32, 32)).shape)\n")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": repo, "CUDA_VISIBLE_DEVICES": ""}
    outs = [subprocess.run([sys.executable, *pre, str(script)], env=env, capture_output=True, text=True, timeout=300)
            for pre in ([], ["-m", "minitorch_compat", "run"])]
    assert outs[0].returncode == 0 and outs[1].returncode == 0, outs[1].stderr
    assert outs[0].stdout == outs[1].stdout
