"""One dossier, built and written all-or-nothing.

Building it, recording its inputs, the follow-up workbook, PDF and manifest. Imports
``rendu``, ``marche`` and ``commun``.
"""
