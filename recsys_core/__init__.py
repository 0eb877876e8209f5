"""Core computations of the recommendation workbench: data, graphs and the three recommenders."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
