"""A whole LSTM script, run on real torch and on ours, must print the same.

``tests/scripts/lstm_tagger.py`` is the official tutorial's part-of-speech tagger on its
two hand-written sentences: the LSTM warm-up (printing the output and the hidden state,
``grad_fn`` included), then an Embedding -> LSTM -> Linear -> log_softmax model trained
with SGD. Every printed loss and score must agree (with ``test_run_script``'s allowance of
one unit in the last printed digit), which needs torch's initial weights, the LSTM's
forward and backward, and every optimizer step to agree.
"""
import json
import os

from test_run_script import SCRIPTS, TORCH_DRIVER, assert_same_printout, start

SCRIPT = os.path.join(SCRIPTS, "lstm_tagger.py")


def test_lstm_tagger_script():
    torch_proc = start("-c", TORCH_DRIVER, json.dumps([["script", [SCRIPT]]]))
    ours_proc = start("-m", "minitorch_compat", "run", SCRIPT)
    o_out, o_err = ours_proc.communicate(timeout=300)
    t_out, t_err = torch_proc.communicate(timeout=300)
    assert torch_proc.returncode == 0, t_err
    t_rc, t_stdout, t_stderr = json.loads(t_out)["script"]
    assert t_rc == 0, t_stderr
    assert ours_proc.returncode == 0, o_err
    assert "MkldnnRnnLayerBackward0" in t_stdout and "epoch 149" in t_stdout
    assert_same_printout(o_out, t_stdout)
