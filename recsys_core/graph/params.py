"""Parameters of the product graph builder."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class GraphParams:
    """How `build_graph` turns a dataset into co-purchase and co-view edges.

    The basket and household parameters apply only when the dataset has orders but no listed
    edges, such as Complete Journey. A dataset that lists its edges (Amazon metadata, a folder
    with copurchase / coview tables) is used as it is.

    Parameters
    ----------
    min_pair_baskets
        Co-purchase support: a → b needs at least this many baskets that hold both a and b.
    min_confidence
        Co-purchase confidence: a → b needs P(b | a) = baskets(a, b) / baskets(a) of at least
        this value. The edge weight is P(b | a), so the relation is directed by construction.
    min_lift
        a → b also needs lift P(b | a) / P(b) above this value, which removes pairs that meet
        no more often than two independent purchases would. The default 2.0 asks for twice the
        chance rate, which keeps staples such as bananas from collecting every product's edge.
    top_n
        Out-edges kept per product, the ones with the highest P(b | a).
    max_basket_size
        Baskets with more distinct products are skipped. A stock-up trip adds every pair of
        its products, so its pairs count quadratically and say little about each other.
    coview_min_households
        Co-view proxy: a — b needs at least this many households that bought both products.
    coview_min_jaccard
        Co-view proxy: a — b needs Jaccard similarity of the two products' buyer sets of at
        least this value; the edge weight is that similarity.
    coview_top_n
        Co-view proxy edges kept per product, the ones with the highest Jaccard similarity.
    include_bought_together
        Whether Amazon ``bought_together`` edges join the co-purchase relation. They are off by
        default: the list is a short subset of bundles that mostly repeats ``also_bought``, and
        keeping it out makes the relation equal the ``also_bought`` / ``also_buy`` lists that
        published counts of these files use. Excluded edges stay in ``ProductGraph.excluded``.
    """

    min_pair_baskets: int = 10
    min_confidence: float = 0.1
    min_lift: float = 2.0
    top_n: int = 20
    max_basket_size: int = 60
    coview_min_households: int = 5
    coview_min_jaccard: float = 0.02
    coview_top_n: int = 10
    include_bought_together: bool = False

    def __post_init__(self) -> None:
        for name in ("min_pair_baskets", "top_n", "max_basket_size", "coview_min_households", "coview_top_n"):
            if getattr(self, name) < 1:
                raise ValueError(f"GraphParams.{name} must be at least 1, got {getattr(self, name)}")
        for name in ("min_confidence", "coview_min_jaccard"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"GraphParams.{name} must be between 0 and 1, got {getattr(self, name)}")
        if self.min_lift < 0:
            raise ValueError(f"GraphParams.min_lift must be non-negative, got {self.min_lift}")

    def to_dict(self) -> dict:
        return asdict(self)
