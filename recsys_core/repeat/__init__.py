"""Buy it again: which products a customer is likely to buy again, and when.

Typical use::

    history = PurchaseHistory.from_orders(dataset.orders, dataset.products)
    model = make_model("rcp*atd").fit(history)
    model.rank("1228", "2017-12-01", top=10)

Models (see `models`): RCP, ATD (log-normal intervals), Poisson-Gamma, modified Poisson-Gamma,
the products RCP x ATD / PG / mPG, and frequency and recency baselines. `evaluation` measures
them on a temporal split; `stats` computes the per-product statistics in DuckDB or pandas.
"""

from recsys_core.repeat.history import (
    DateOutOfRangeError,
    NoRepeatCustomersError,
    PurchaseHistory,
    UnknownCustomerError,
    UnknownProductError,
)
from recsys_core.repeat.models import (
    MODEL_NAMES,
    ATDModel,
    FrequencyBaseline,
    ModifiedPoissonGammaModel,
    NotFittedError,
    PoissonGammaModel,
    QTimesR,
    RCPModel,
    RecencyBaseline,
    RepeatRanker,
    make_model,
)

__all__ = [
    "MODEL_NAMES",
    "ATDModel",
    "DateOutOfRangeError",
    "FrequencyBaseline",
    "ModifiedPoissonGammaModel",
    "NoRepeatCustomersError",
    "NotFittedError",
    "PoissonGammaModel",
    "PurchaseHistory",
    "QTimesR",
    "RCPModel",
    "RecencyBaseline",
    "RepeatRanker",
    "UnknownCustomerError",
    "UnknownProductError",
    "make_model",
]
