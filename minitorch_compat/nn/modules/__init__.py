"""The layer classes of ``torch.nn``, one file per family as in torch."""
from .module import Module
from .linear import Identity, Linear
from .activation import (ReLU, LeakyReLU, GELU, SiLU, ELU, Softplus, Sigmoid, Tanh, Softmax, LogSoftmax, Hardtanh,
                         ReLU6, MultiheadAttention)
from .container import Sequential, ModuleList, ModuleDict
from .flatten import Flatten, Unflatten
from .dropout import Dropout, Dropout2d
from .loss import (CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, SmoothL1Loss, HuberLoss,
                   KLDivLoss)
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .pooling import MaxPool2d, AvgPool2d, AdaptiveAvgPool2d
from .batchnorm import BatchNorm1d, BatchNorm2d
from .normalization import LayerNorm
from .sparse import Embedding
from .upsampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d
from .pixelshuffle import PixelShuffle, PixelUnshuffle
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell
from .transformer import (Transformer, TransformerEncoder, TransformerDecoder, TransformerEncoderLayer,
                          TransformerDecoderLayer)

__all__ = ["Module", "Identity", "Linear", "ReLU", "LeakyReLU", "GELU", "SiLU", "ELU", "Softplus", "Sigmoid",
           "Tanh", "Softmax", "LogSoftmax", "Sequential", "ModuleList", "ModuleDict", "Flatten", "Unflatten",
           "Dropout", "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss",
           "SmoothL1Loss", "HuberLoss", "KLDivLoss", "Dropout2d", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d",
           "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding"]
__all__ += ["Hardtanh", "ReLU6", "ConvTranspose1d", "ConvTranspose2d", "Upsample", "UpsamplingNearest2d",
            "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle"]
__all__ += ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]
__all__ += ["MultiheadAttention", "Transformer", "TransformerEncoder", "TransformerDecoder",
            "TransformerEncoderLayer", "TransformerDecoderLayer"]
