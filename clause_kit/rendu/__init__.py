"""Rendering Word pieces from a contract's figures.

The Jinja sandbox, the engine and its compiled cache, the template package, pictures,
highlighting, the context, template layers and the list of pieces. Imports ``marche`` and ``commun``.
"""
