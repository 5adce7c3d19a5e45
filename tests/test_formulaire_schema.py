"""The JSON Schema and the form's fields come from the model: every key, French titles, the loader's codes."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from clause_kit.cli import main
from clause_kit.commun.parametres import charger_parametres
from clause_kit.formulaire import champs
from clause_kit.formulaire.champs import arbre, chemin_de_champ, genres, trouver_cible
from clause_kit.formulaire.schema import schema_json
from clause_kit.marche.modele import Consultation


def _cles_du_modele(modele: type[BaseModel], prefixe: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every key path of the model; each key must have its own (French) title."""
    cles = set()
    for nom, info in modele.model_fields.items():
        assert info.title, f"{modele.__name__}.{nom} sans titre"
        cles.add((*prefixe, nom))
        for argument in typing.get_args(info.annotation) or (info.annotation,):
            for interieur in typing.get_args(argument) or (argument,):
                if isinstance(interieur, type) and issubclass(interieur, BaseModel):
                    cles |= _cles_du_modele(interieur, (*prefixe, nom))
    return cles


def test_chaque_cle_du_modele_est_un_champ_du_formulaire_avec_un_titre_francais() -> None:
    champs = genres()
    for cle in _cles_du_modele(Consultation):
        assert cle in champs, cle


def test_une_cle_ajoutee_au_modele_apparait_dans_le_formulaire(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = schema_json()
    schema["$defs"]["Marche"]["properties"]["nouvelle_cle"] = {"type": "string", "title": "Nouvelle clé"}
    monkeypatch.setattr(champs, "_schema", lambda: schema)
    racine = arbre({"marche": {"nouvelle_cle": "valeur"}})
    trouve = trouver_cible(racine, ("marche", "nouvelle_cle"))
    assert trouve is not None and trouve.titre == "Nouvelle clé" and trouve.valeur == "valeur"
    assert ("marche", "nouvelle_cle") in genres()


def test_le_schema_donne_les_codes_que_le_chargeur_accepte() -> None:
    schema = schema_json()
    publics = schema["$defs"]["Insertion"]["properties"]["publics"]["anyOf"][0]["items"]["enum"]
    assert publics == list(charger_parametres().brut["publics"])
    procedure = schema["$defs"]["Marche"]["properties"]["procedure"]["anyOf"][0]["enum"]
    assert "adaptee" in procedure and "appel_offres_ouvert" in procedure
    assert schema["$defs"]["Marche"]["properties"]["montant_ht"]["title"] == "Montant HT (€)"


def test_clause_kit_schema_imprime_le_schema() -> None:
    resultat = CliRunner().invoke(main, ["schema"])
    assert resultat.exit_code == 0
    assert json.loads(resultat.output) == schema_json()


def test_le_schema_valide_les_exemples(exemples: list[Path]) -> None:
    """Every key of every example is in the schema, and no schema key is unknown to the model."""
    import yaml

    definitions = schema_json()["$defs"]
    for fichier in exemples:
        donnees = yaml.safe_load(fichier.read_text(encoding="utf-8"))
        for bloc, valeurs in donnees.items():
            propriete = schema_json()["properties"][bloc]
            reference = next(v["$ref"] for v in propriete.get("anyOf", [propriete]) if "$ref" in v)
            assert set(valeurs) <= set(definitions[reference.rsplit("/", 1)[1]]["properties"]), fichier


def test_le_chemin_d_un_message_mene_a_son_champ() -> None:
    assert chemin_de_champ("marche.lots[2].montant_ht") == ("marche", "lots", 1, "montant_ht")
    racine = arbre({"marche": {"lots": [{}, {}]}, "insertion": {"publics": ["rsa"]}})
    assert trouver_cible(racine, chemin_de_champ("marche.lots[2].montant_ht")).ident == "c-marche-lots-1-montant_ht"
    # A path below what the form shows goes to the nearest block shown.
    assert trouver_cible(racine, chemin_de_champ("marche.lots[7].numero")).ident == "c-marche-lots"
    assert trouver_cible(racine, chemin_de_champ("insertion.publics[1]")).ident == "c-insertion-publics"
    assert trouver_cible(racine, chemin_de_champ("marche.lotz")).ident == "c-marche"
    assert trouver_cible(racine, ()) is None


def test_une_valeur_par_defaut_est_dite_en_francais() -> None:
    forme = trouver_cible(arbre({}), ("marche", "forme"))
    assert forme is not None and forme.libelle_defaut == "Marché ordinaire"
