"""Fine-tuning loop shared by the intent classifier and the attribute tagger."""

from __future__ import annotations

import logging
import math
import random
import time
from typing import Callable, Iterable, Optional

import numpy as np
import torch
from transformers import get_linear_schedule_with_warmup

from recsys_core.progress import ProgressCallback, report

logger = logging.getLogger(__name__)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def fine_tune(
    module: torch.nn.Module,
    batches: Callable[[int], Iterable[dict]],
    loss_fn: Callable[[torch.nn.Module, dict], torch.Tensor],
    steps_per_epoch: int,
    epochs: int,
    encoder_lr: float,
    head_lr: float,
    max_steps: Optional[int] = None,
    progress: Optional[ProgressCallback] = None,
    label: str = "Fine-tuning",
) -> list[float]:
    """Train `module` with AdamW and a linear warm-up and decay schedule.

    The encoder's parameters (names starting with ``encoder.``) use `encoder_lr`, the task head
    `head_lr`. ``batches(epoch)`` yields the batches of one epoch; ``loss_fn(module, batch)``
    returns the scalar loss. Training stops after `max_steps` steps when given.

    Returns
    -------
    list of float
        The mean training loss of each epoch.
    """
    # The word-piece embedding matrix (30,522 x 384) stays frozen. It contains about half of
    # the encoder's weights, and updating it from a few thousand short queries costs time and
    # only overfits the pieces those queries contain.
    for name, parameter in module.named_parameters():
        if name.endswith("embeddings.word_embeddings.weight"):
            parameter.requires_grad_(False)
    trainable = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
    encoder_params = [p for n, p in trainable if n.startswith("encoder.")]
    head_params = [p for n, p in trainable if not n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [{"params": encoder_params, "lr": encoder_lr}, {"params": head_params, "lr": head_lr}],
        weight_decay=0.01,
    )
    total = steps_per_epoch * epochs if max_steps is None else min(max_steps, steps_per_epoch * epochs)
    total = max(total, 1)
    scheduler = get_linear_schedule_with_warmup(optimizer, max(1, total // 10), total)
    module.train()
    losses: list[float] = []
    step = 0
    started = time.perf_counter()
    for epoch in range(epochs):
        epoch_losses = []
        for batch in batches(epoch):
            loss = loss_fn(module, batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for _, p in trainable], 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            epoch_losses.append(float(loss.detach()))
            step += 1
            if step % 5 == 0 or step == total:
                report(progress, step / total, f"{label}: step {step}/{total}, loss {np.mean(epoch_losses[-20:]):.3f}")
            if step % max(1, total // 10) == 0:
                logger.info("%s: step %d/%d, loss %.4f, %.1f s", label, step, total, np.mean(epoch_losses[-20:]),
                            time.perf_counter() - started)
            if step >= total:
                break
        losses.append(float(np.mean(epoch_losses)) if epoch_losses else math.nan)
        logger.info("%s: epoch %d loss %.4f (%.1f s)", label, epoch + 1, losses[-1], time.perf_counter() - started)
        if step >= total:
            break
    module.eval()
    return losses


def batch_indices(n: int, batch_size: int, seed: int, lengths: Optional[list[int]] = None) -> list[np.ndarray]:
    """Shuffle `n` indices into batches; with `lengths`, group similar lengths to cut padding."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    if lengths is not None:
        # Sort within chunks of 50 batches, so batches hold similar lengths but stay random.
        chunk = batch_size * 50
        lengths_array = np.asarray(lengths)
        order = np.concatenate([
            part[np.argsort(lengths_array[part], kind="stable")]
            for part in np.array_split(order, max(1, math.ceil(n / chunk)))
        ]) if n else order
    batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
    rng.shuffle(batches)
    return batches
