"""Rangtang Desktop: the offline register of households with minors for Rangtang County."""

__version__ = "0.1.0"
