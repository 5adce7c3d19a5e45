"""``clause-kit modeles verifier``: every template checked before anyone generates with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from clause_kit.cli import main
from clause_kit.commun.erreurs import ClauseKitError
from clause_kit.commun.parametres import charger_parametres
from clause_kit.marche.chargement import charger_detail
from clause_kit.rendu.contexte import construire_contexte
from clause_kit.rendu.moteur import compiler, rendre
from clause_kit.revue.texte import texte
from clause_kit.revue.variables import lire_variables, schema_du_contexte
from clause_kit.revue.verification import verifier_modele
from tests.fabrique_word import document, faute, insertion, lien, paragraphe, run, signet, suppression, tableau
from tests.jour_fixe import AUJOURDHUI

RACINE = Path(__file__).resolve().parent.parent
MODELES = RACINE / "modeles"
DOSSIERS = RACINE / "dossiers"
SCHEMA = lire_variables(MODELES / "VARIABLES.md")


def exemples() -> list[Path]:
    return sorted(p for p in DOSSIERS.rglob("*.yaml") if not p.name.startswith("_"))


def verifier(*arguments: str) -> object:
    return CliRunner().invoke(main, ["modeles", "verifier", *arguments])


def messages(chemin: Path) -> list[str]:
    return [f"{p.champ}: {p.message}" for p in verifier_modele(chemin, SCHEMA)]


def test_les_modeles_du_depot_sont_sains() -> None:
    resultat = verifier()
    assert resultat.exit_code == 0, resultat.output
    resume = resultat.output.splitlines()[-1]
    assert resume.startswith("9 modèle(s) vérifié(s)") and "0 erreur(s)" in resume  # the pieces and the report
    rendus = int(resume.split(", ")[1].split()[0])
    assert rendus >= 8 * len(exemples()) - 2 * len(exemples())  # the article 53 sheet only with article 53


def modele_word(chemin: Path) -> Path:
    """A CCAP as Word really saves it: tags split by formatting and spell-check marks, curly quotes, bookmarks."""
    document(
        chemin,
        [
            paragraphe("{{ ", faute("acheteur"), ".", run("nom", gras=True), " }}"),
            paragraphe("Marché n° {{ marche.", signet("_Ref1"), "reference }} – {{ marche.objet }}"),
            paragraphe("{%p if insertion.regime == “cmp2006” %}"),
            paragraphe("Article 14 du code des marchés publics."),
            paragraphe("{%p else %}"),
            paragraphe("{{ droit.condition_execution }} ; {% if marche.duree %}durée : {{ marche.duree }}{% endif %}"),
            paragraphe("{%p endif %}"),
            tableau(
                ["Lot", "Heures"],
                ["{%tr for lot in lots %}", ""],
                ["{{ lot.designation }}", paragraphe("{{ lot.", faute("heures"), " }} h")],
                ["{%tr endfor %}", ""],
            ),
            paragraphe("Pénalité : {{ insertion.penalite }}."),
        ],
        entete=[paragraphe("{{ acheteur.nom }}", "\t", "Marché {{ marche.reference }}")],
        pied=[paragraphe("CCAP – ", run("{{ marche.", italique=True), run("reference }}"))],
    )
    return chemin


def test_modele_fait_dans_word_accepte_et_rendu(tmp_path: Path) -> None:
    jeu = tmp_path / "jeu"
    jeu.mkdir()
    modele_word(jeu / "ccap_clauses.docx")
    resultat = verifier(str(jeu))
    assert resultat.exit_code == 0, resultat.output
    sortie = tmp_path / "sortie"
    contrat = DOSSIERS / "roquevaire" / "2026-tx-031-ecole.yaml"
    genere = CliRunner().invoke(main, ["generer", str(contrat), "-o", str(sortie), "--modeles", str(jeu)])
    assert genere.exit_code == 0, genere.output
    ccap = texte(next((sortie / "roquevaire" / "2026-tx-031").glob("*ccap*.docx"))).splitlines()
    assert "Marché n°\u00a02026-TX-031 – Rénovation de l’école" in ccap
    assert "| Rénovation de l’école | 1\u202f429 h |" in ccap
    assert "[pied de page] CCAP – 2026-TX-031" in ccap
    assert not any("{" in ligne for ligne in ccap)


def test_balise_non_fermee_et_variable_inconnue_nommees(tmp_path: Path) -> None:
    jeu = tmp_path / "jeu"
    jeu.mkdir()
    document(
        jeu / "ccap_clauses.docx",
        [
            paragraphe("Marché {{ marche.reference }}"),
            paragraphe("Objet : {{ marche.objet", run(" – suite", gras=True)),
            tableau(["Heures", "{{ insertion.heure_total }}"]),
        ],
    )
    resultat = verifier(str(jeu))
    assert resultat.exit_code == 1
    sortie = resultat.output
    assert "Traceback" not in sortie
    assert "jeu/ccap_clauses.docx: paragraphe 2: balise « {{ marche.objet – suite » non fermée" in sortie
    assert (
        "jeu/ccap_clauses.docx: tableau 1, ligne 1, cellule 2: variable inconnue « insertion.heure_total » ; "
        "vouliez-vous dire « insertion.heures_total » ?"
    ) in sortie
    assert "2 erreur(s)" in sortie.splitlines()[-1]


CAS = {
    "texte avec {%p": (
        [paragraphe("{%p if marche.cpv %} CPV : {{ marche.cpv }}"), paragraphe("{%p endif %}")],
        "paragraphe 1: texte à côté de la balise « {%p if marche.cpv %} » : docxtpl remplace tout le paragraphe "
        "par la balise, « CPV : {{ marche.cpv }} » disparaîtrait",
    ),
    "texte avec {%tr": (
        [tableau(["{%tr for lot in lots %}", "Lot"], ["{{ lot.heures }}", ""], ["{%tr endfor %}", ""])],
        "tableau 1, ligne 1, cellule 1: texte à côté de la balise « {%tr for lot in lots %} » : docxtpl remplace "
        "toute la ligne du tableau par la balise, « Lot » disparaîtrait",
    ),
    "balise supprimée": (
        [paragraphe("Durée ", suppression("{{ marche.duree }}"))],
        "paragraphe 1: balise « {{ marche.duree }} » dans une modification suivie",
    ),
    "balise insérée": (
        [paragraphe("Durée ", insertion("{{ marche.duree }}"))],
        "paragraphe 1: balise « {{ marche.duree }} » dans une modification suivie",
    ),
    "modification sans balise": (
        [paragraphe("Texte ", insertion("ajouté"))],
        ": 1 modification(s) suivie(s) en attente (la première : paragraphe 1)",
    ),
    "lien": (
        [paragraphe("Écrire à ", lien("{{ facilitateur.courriel }}"))],
        "paragraphe 1: balise « {{ facilitateur.courriel }} » dans un lien hypertexte",
    ),
    "guillemets français": (
        [paragraphe("{% if insertion.regime == « ccp » %}CCP{% endif %}")],
        "paragraphe 1: guillemets « » dans la balise",
    ),
    "if jamais fermé": (
        [paragraphe("{%p if marche.cpv %}"), paragraphe("CPV")],
        "paragraphe 1: « {%p if marche.cpv %} » n'est jamais fermé : il manque « {% endif %} »",
    ),
    "blocs croisés": (
        [
            paragraphe("{%p if marche.cpv %}"),
            paragraphe("{%p for lot in lots %}"),
            paragraphe("{%p endif %}"),
            paragraphe("{%p endfor %}"),
        ],
        "paragraphe 3: « {%p endif %} » ferme « {%p if marche.cpv %} » (paragraphe 1) alors que "
        "« {%p for lot in lots %} » (paragraphe 2), ouvert après, n'est pas fermé",
    ),
    "fin sans début": ([paragraphe("{%p endfor %}")], "paragraphe 1: « {%p endfor %} » ferme un bloc qui n'a pas"),
    "syntaxe": (
        [paragraphe("Heures : {{ insertion.heures_total + }}")],
        "paragraphe 1: balise mal écrite, expression incomplète avant « }} »",
    ),
    "filtre inconnu": (
        [paragraphe("{{ marche.objet | majuscules }}")],
        "paragraphe 1: balise mal écrite, filtre inconnu « majuscules »",
    ),
    "variable de boucle": (
        [paragraphe("{% for sc in insertion.sous_criteres %}{{ sc.libele }}{% endfor %}")],
        "paragraphe 1: variable inconnue « sc.libele » ; vouliez-vous dire « sc.libelle » ?",
    ),
    "variable racine": (
        [paragraphe("{{ acheter.nom }}")],
        "paragraphe 1: variable inconnue « acheter.nom » ; vouliez-vous dire « acheteur.nom » ?",
    ),
}


@pytest.mark.parametrize("cas", sorted(CAS))
def test_chaque_defaut_localise(tmp_path: Path, cas: str) -> None:
    corps, attendu = CAS[cas]
    chemin = tmp_path / "modele.docx"
    document(chemin, corps)
    trouves = messages(chemin)
    assert any(attendu in m for m in trouves), trouves


def test_une_balise_casse_n_empeche_pas_de_voir_les_variables(tmp_path: Path) -> None:
    """An unclosed {%p if leaves its endif orphan; the variables of the rest are still checked, in reading order."""
    chemin = tmp_path / "modele.docx"
    document(
        chemin,
        [
            paragraphe("{%p if marche.cpv"),
            paragraphe("CPV {{ marche.objt }}"),
            paragraphe("{%p endif %}"),
            paragraphe("{% for lot in lots %}{{ lot.heure }}"),
            paragraphe("{{ acheteur.nm }}"),
        ],
    )
    attendus = [
        "paragraphe 1: balise « {%p if marche.cpv » non fermée",
        "paragraphe 2: variable inconnue « marche.objt »",
        "paragraphe 3: « {%p endif %} » ferme un bloc qui n'a pas été ouvert",
        "paragraphe 4: « {% for lot in lots %} » n'est jamais fermé",
        "paragraphe 4: variable inconnue « lot.heure »",
        "paragraphe 5: variable inconnue « acheteur.nm »",
    ]
    trouves = messages(chemin)
    assert len(trouves) == len(attendus) and all(t.startswith(a) for t, a in zip(trouves, attendus, strict=True)), (
        trouves
    )


def test_variable_inconnue_dans_un_en_tete_et_le_titre(tmp_path: Path) -> None:
    chemin = tmp_path / "modele.docx"
    document(
        chemin, [paragraphe("Corps")], entete=[paragraphe("{{ marche.referense }}")], titre="CCAP {{ marche.objt }}"
    )
    trouves = messages(chemin)
    assert any(m.startswith("en-tête: variable inconnue « marche.referense »") for m in trouves), trouves
    assert any(m.startswith("propriétés, titre: variable inconnue « marche.objt »") for m in trouves), trouves


def test_un_modele_sain_ne_donne_rien(tmp_path: Path) -> None:
    assert messages(modele_word(tmp_path / "ccap.docx")) == []


def test_piece_sans_modele_et_rendu_d_essai_en_echec(tmp_path: Path) -> None:
    jeu = tmp_path / "jeu"
    shutil.copytree(MODELES, jeu)
    (jeu / "cctp_clauses.docx").unlink()
    (jeu / "pieces.yaml").write_text(
        (jeu / "pieces.yaml").read_text(encoding="utf-8").replace("cctp_clauses.docx", "cctp_local.docx"),
        encoding="utf-8",
    )
    document(jeu / "notice_explicative.docx", [paragraphe("Total : {{ insertion.heures_total + 1 }} heures")])
    resultat = verifier(str(jeu))
    assert resultat.exit_code == 1
    sortie = resultat.output
    assert "jeu/pieces.yaml: pièce « cctp_clauses » sans modèle : cctp_local.docx introuvable" in sortie
    ligne = next(x for x in sortie.splitlines() if "notice_explicative.docx: rendu d'essai:" in x)
    exemples = sorted(p for p in (Path(__file__).resolve().parent.parent / "dossiers").rglob("[!_]*.yaml"))
    # A reserved contract without an insertion clause has no notice (only the avis and the RC).
    exemples = [p for p in exemples if "insertion: {}" not in p.read_text(encoding="utf-8")]
    autres = len(exemples) - 3  # three contracts are named, the others counted
    assert "expression invalide" in ligne and f"(avec {exemples[0].name}" in ligne and f"et {autres} autre(s))" in ligne


def test_modele_de_commune_mal_nomme_averti(tmp_path: Path) -> None:
    commune = tmp_path / "dossiers" / "cassis" / "modeles"
    commune.mkdir(parents=True)
    shutil.copyfile(MODELES / "ccap_clauses.docx", commune / "ccap.docx")
    resultat = verifier("--commune", "Cassis", "--dossiers", str(tmp_path / "dossiers"), "--exemples", str(DOSSIERS))
    assert resultat.exit_code == 0, resultat.output
    assert "avertissement : " in resultat.output and "ccap.docx: ne remplace aucune pièce" in resultat.output


@pytest.mark.lent
def test_le_verdict_suit_le_generateur_sur_des_modeles_reenregistres_par_libreoffice(modeles_libreoffice: Path) -> None:
    """LibreOffice rewrites the XML (runs, quotes, bookmarks): ``verifier`` says so exactly when ``generer`` fails."""
    detail = charger_detail(DOSSIERS / "la-penne-sur-huveaune" / "2026-tx-012-gymnase.yaml")
    contexte = construire_contexte(detail.consultation, detail.chiffres, charger_parametres(), AUJOURDHUI)
    modeles = sorted(p for p in modeles_libreoffice.glob("*.docx") if p.stem != "bilan_annuel")
    assert len(modeles) == 8
    # The annual report's template, re-saved too, is checked against its own variables and renders.
    from clause_kit.bilan.exemple import contextes_exemple

    bilan = modeles_libreoffice / "bilan_annuel.docx"
    assert verifier_modele(bilan, lire_variables(MODELES / "VARIABLES-bilan.md")) == []
    for _, contexte_bilan in contextes_exemple():
        assert rendre(compiler(bilan), contexte_bilan)[:2] == b"PK"
    for modele in modeles:
        try:
            rendre(compiler(modele), contexte)
            accepte = True
        except ClauseKitError:
            accepte = False
        assert (messages(modele) == []) == accepte, (modele.name, messages(modele))


def test_variables_md_decrit_exactement_le_contexte_du_generateur() -> None:
    parametres = charger_parametres()
    contextes = []
    for exemple in exemples():
        detail = charger_detail(exemple)
        contextes.append(construire_contexte(detail.consultation, detail.chiffres, parametres, AUJOURDHUI))
    documentees, fournies = SCHEMA.chemins, schema_du_contexte(contextes).chemins
    assert sorted(fournies - documentees) == [], "variables fournies par contexte.py absentes de VARIABLES.md"
    assert sorted(documentees - fournies) == [], "variables de VARIABLES.md que contexte.py ne fournit pas"
