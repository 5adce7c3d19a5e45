"""The dated tables of parametres.yaml watched against the real calendar: the only tests that read it.

Every other test runs on the tests' own day (tests/jour_fixe.py). These two exist so that a table
that is about to run out turns CI red while there is still time to update it, and say what to do.
"""

from __future__ import annotations

import datetime

from clause_kit.commun.parametres import lire_yaml_du_paquet

#: How long before a table runs out the tests start to fail.
PREAVIS = datetime.timedelta(days=183)


def _date(valeur: object) -> datetime.date:
    return valeur if isinstance(valeur, datetime.date) else datetime.date.fromisoformat(str(valeur))


def verdict_seuils(seuils: list[dict[str, object]], jour: datetime.date) -> str | None:
    """A message when the EU thresholds end within six months of ``jour``; None while they last."""
    fin = max(_date(p["au"]) for p in seuils)
    if jour < fin - PREAVIS:
        return None
    return (
        f"les seuils européens de parametres.yaml s'arrêtent au {fin.isoformat()} : ajoutez la période suivante "
        f"(du {(fin + datetime.timedelta(days=1)).isoformat()}), avec les montants du règlement délégué de la "
        "Commission et l'avis du ministère au JORF, dans clause_kit/commun/parametres.yaml (seuils_europeens)"
    )


def verdict_smic(smic: list[dict[str, object]], jour: datetime.date) -> str | None:
    """A message when the SMIC table has no value for ``jour``'s year after January; None otherwise.

    The SMIC is revalued every 1 January (Code du travail, L. 3231-5) by a decree published in the
    second half of December: the table runs out each 31 December, and a six-month notice could not
    be acted on (next year's value is not known before). The test fails from 1 February, a month
    after the value has been published, if it has not been added.
    """
    derniere = max(_date(v["au"]) for v in smic)
    if derniere.year >= jour.year or jour < datetime.date(jour.year, 2, 1):
        return None
    return (
        f"le SMIC horaire de parametres.yaml s'arrête à la revalorisation du {derniere.isoformat()} : ajoutez celle "
        f"du 1er janvier {jour.year} (décret publié au JORF fin décembre) dans clause_kit/commun/parametres.yaml "
        "(smic_horaire)"
    )


def test_les_seuils_europeens_ne_s_arretent_pas_dans_les_six_mois() -> None:
    seuils = lire_yaml_du_paquet("parametres.yaml")["seuils_europeens"]
    message = verdict_seuils(seuils, datetime.date.today())  # the real day, on purpose
    assert message is None, message


def test_le_smic_de_l_annee_est_connu() -> None:
    smic = lire_yaml_du_paquet("parametres.yaml")["smic_horaire"]
    message = verdict_smic(smic, datetime.date.today())  # the real day, on purpose
    assert message is None, message


def test_les_verdicts_tombent_aux_bonnes_dates() -> None:
    # The watch itself, on fixed days: it must fail six months before the end, and say what to update.
    seuils = [{"du": "2026-01-01", "au": "2027-12-31"}]
    assert verdict_seuils(seuils, datetime.date(2027, 6, 30)) is None
    message = verdict_seuils(seuils, datetime.date(2027, 7, 2))
    assert message is not None and "du 2028-01-01" in message and "seuils_europeens" in message
    assert verdict_seuils(seuils, datetime.date(2028, 3, 1)) is not None
    smic = [{"au": "2025-11-01"}, {"au": "2026-01-01"}]
    assert verdict_smic(smic, datetime.date(2026, 12, 31)) is None
    assert verdict_smic(smic, datetime.date(2027, 1, 31)) is None
    message = verdict_smic(smic, datetime.date(2027, 2, 1))
    assert message is not None and "1er janvier 2027" in message and "smic_horaire" in message
