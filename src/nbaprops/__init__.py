"""nbaprops: point-in-time-correct NBA player-prop features and predictions."""

__version__ = "0.1.0"
