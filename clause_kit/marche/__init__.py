"""The contract: what a valid description is and what it implies.

Its model, the law it cites, thresholds, figures, legal rules, commune defaults, loading from
YAML as typed and the verifier's summary. Imports only ``commun``.
"""
