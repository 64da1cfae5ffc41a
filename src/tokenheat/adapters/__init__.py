"""From your attribution library to a heatmap in one call.

Each adapter reads one library's own result object and lays it out with the right axes,
token labels and "no value" cells. None of the libraries is imported by
``import tokenheat``: an adapter imports its library when it is called, and says which
pip extra installs it when it is missing.
"""

from ._captum import from_captum
from ._hf import from_attentions
from ._inseq import from_inseq
from ._transformer_lens import from_transformer_lens

__all__ = ["from_attentions", "from_captum", "from_inseq", "from_transformer_lens"]
