"""Datasets: the schema, the loaders and the spec strings that select them.

A dataset spec is ``NAME`` for a built-in dataset or ``FORMAT:PATH`` for a user's files, for
example ``completejourney``, ``demo``, ``amazon-meta:meta.json.gz`` or ``folder:./my_data``.
"""

from recsys_core.data.registry import (
    BUILTINS,
    FORMATS,
    describe_specs,
    load_dataset,
    parse_spec,
)
from recsys_core.data.schema import TABLES, Dataset, DatasetError, make_dataset

__all__ = [
    "BUILTINS",
    "FORMATS",
    "TABLES",
    "Dataset",
    "DatasetError",
    "describe_specs",
    "load_dataset",
    "make_dataset",
    "parse_spec",
]
