"""Property-based tests of the row rules and the CSV reader: whatever a cell holds, a row is either
valid or rejected with messages naming its columns; never an exception."""

from __future__ import annotations

import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clause_kit.commun.erreurs import ClauseKitError
from clause_kit.dossier.classeur_suivi import COLONNES
from clause_kit.suivi.controle import MarcheConnu, code_nominatif, controler_ensemble, controler_ligne
from clause_kit.suivi.lecture import LigneBrute, lire_feuilles

REGLAGES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MARCHES = {
    "M-1": MarcheConnu("M-1", {1: True, 2: False}, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
}
CLES = [c.cle for c in COLONNES]

cellules = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["cdi", "Femme", "2026-03", "03/2026", "AUB-001", "rsa;jeune", "1", "151,5", "31/02/2026"]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1900, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1)),
    st.booleans(),
)


@REGLAGES
@given(st.dictionaries(st.sampled_from(CLES), cellules, min_size=1))
def test_une_ligne_est_valide_ou_rejetee_avec_ses_colonnes(valeurs: dict[str, object]) -> None:
    brute = LigneBrute(12, {k: v for k, v in valeurs.items() if v is not None}, {})
    ligne, anomalies = controler_ligne(brute, "M-1", MARCHES)
    assert (ligne is None) == bool(anomalies)
    assert all(a.cle in CLES and a.message for a in anomalies)
    if ligne is not None:
        assert 0 <= ligne.heures_c <= 25000 and ligne.lot == 1
        controler_ensemble([(12, ligne), (13, ligne)])  # the same row twice: the second is a duplicate
    code_nominatif(valeurs.get("participant"))


@REGLAGES
@given(st.lists(st.lists(st.text(max_size=12), max_size=8), max_size=12), st.sampled_from([";", ",", "\t"]))
def test_un_csv_quelconque_est_lu_ou_refuse_proprement(
    tmp_path: Path, lignes: list[list[str]], separateur: str
) -> None:
    chemin = tmp_path / "fiche.csv"
    entete = separateur.join(CLES)
    chemin.write_text(entete + "\n" + "\n".join(separateur.join(c) for c in lignes), encoding="utf-8")
    try:
        (feuille,) = lire_feuilles(chemin)
    except ClauseKitError:
        return
    for brute in feuille.lignes:
        controler_ligne(brute, None, MARCHES)
