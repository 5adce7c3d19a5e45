"""The common ground of every layer.

Errors, bounded files, French formats, parameters, codes, signals, the French face of click,
and the hardened reading of Office Open XML packages. It imports no other layer of clause_kit.
"""
