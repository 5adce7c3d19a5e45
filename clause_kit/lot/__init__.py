"""Batches of dossiers.

Selection, preparation before the workers, the workers, the report, leftovers of dead runs
and ``--mettre-a-jour``. Imports the layers below it.
"""
