"""The renderer: strict variables, exact escaping, sandbox, well-formed output, caching."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from clause_kit.commun.erreurs import ErreurModele
from clause_kit.rendu.moteur import compiler, rendre


def modele(tmp_path: Path, *paragraphes: str, nom: str = "essai.docx", tableau: list[str] | None = None) -> Path:
    document = docx.Document()
    for texte in paragraphes:
        document.add_paragraph(texte)
    if tableau:
        table = document.add_table(rows=len(tableau), cols=1)
        for ligne, texte in zip(table.rows, tableau, strict=True):
            ligne.cells[0].text = texte
    section = document.sections[0]
    section.header.paragraphs[0].text = "Marché {{ marche.reference }}"
    chemin = tmp_path / nom
    document.save(str(chemin))
    return chemin


def texte(contenu: bytes) -> str:
    document = docx.Document(io.BytesIO(contenu))
    morceaux = [p.text for p in document.paragraphs]
    morceaux += [c.text for t in document.tables for r in t.rows for c in r.cells]
    morceaux += [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join(morceaux)


CONTEXTE = {"marche": {"reference": "2026-TX-031", "objet": "École « Jean Moulin » & cour <nord>"}, "lots": ["A", "B"]}


def test_caracteres_speciaux_reproduits_exactement(tmp_path: Path) -> None:
    rendu = texte(rendre(compiler(modele(tmp_path, "Objet : {{ marche.objet }}")), CONTEXTE))
    assert "Objet\u00a0: École «\u00a0Jean Moulin\u00a0» & cour <nord>" in rendu  # French no-break spaces added
    assert "Marché 2026-TX-031" in rendu  # headers are rendered too


def test_variable_inconnue_nommee_avec_le_modele(tmp_path: Path) -> None:
    chemin = modele(tmp_path, "{{ marche.objt }}", nom="ccap.docx")
    with pytest.raises(ErreurModele) as info:
        rendre(compiler(chemin), CONTEXTE)
    assert "ccap.docx" in str(info.value)
    assert "« marche.objt »" in str(info.value)


def test_variable_racine_inconnue(tmp_path: Path) -> None:
    with pytest.raises(ErreurModele, match="« acheter »"):
        rendre(compiler(modele(tmp_path, "{{ acheter.nom }}")), CONTEXTE)


def test_balise_mal_ecrite(tmp_path: Path) -> None:
    with pytest.raises(ErreurModele, match="balise mal écrite"):
        compiler(modele(tmp_path, "{% if marche.objet %} sans fin"))


def test_bac_a_sable(tmp_path: Path) -> None:
    chemin = modele(tmp_path, "{{ marche.__class__.__mro__ }}")
    with pytest.raises(ErreurModele):
        rendre(compiler(chemin), CONTEXTE)


def test_paragraphes_conditionnels_et_lignes_repetees(tmp_path: Path) -> None:
    chemin = modele(
        tmp_path,
        "{%p if marche.objet %}",
        "Visible",
        "{%p endif %}",
        "{%p if not marche.objet %}",
        "Invisible",
        "{%p endif %}",
        tableau=["{%tr for lot in lots %}", "Lot {{ lot }}", "{%tr endfor %}"],
    )
    rendu = texte(rendre(compiler(chemin), CONTEXTE))
    assert "Visible" in rendu and "Invisible" not in rendu
    assert "Lot A" in rendu and "Lot B" in rendu
    assert "{%" not in rendu and "{{" not in rendu


def test_compilation_mise_en_cache_et_invalidee_quand_le_modele_change(tmp_path: Path) -> None:
    chemin = modele(tmp_path, "Un {{ marche.reference }}")
    assert compiler(chemin) is compiler(chemin)
    premier = compiler(chemin)
    modele(tmp_path, "Deux {{ marche.reference }} et plus", nom=chemin.name)
    assert compiler(chemin) is not premier
    assert "Deux 2026-TX-031" in texte(rendre(compiler(chemin), CONTEXTE))


def test_fichier_qui_n_est_pas_un_docx(tmp_path: Path) -> None:
    faux = tmp_path / "faux.docx"
    faux.write_bytes(b"ceci n'est pas un zip")
    with pytest.raises(ErreurModele, match="faux.docx"):
        compiler(faux)


def test_extrait_d_erreur_montre_le_paragraphe_fautif_sans_position(tmp_path: Path) -> None:
    chemin = modele(tmp_path, "Paragraphe d'avant", "Fautif : {{ marche.objet objet }}", "D'après", nom="rc.docx")
    with pytest.raises(ErreurModele) as info:
        compiler(chemin)
    message = str(info.value)
    assert message.startswith("modèle rc.docx : balise mal écrite : « }} » attendu, trouvé « objet »")
    assert "près de « Fautif : {{ marche.objet objet }} »" in message and "avant" not in message
    chemin = modele(tmp_path, "Paragraphe d'avant", "Fautif : {{ marche.objet & 'x' }}", nom="ae.docx")
    message = str(pytest.raises(ErreurModele, compiler, chemin).value)
    assert "caractère '&' inattendu" in message and "près de « Fautif : {{ marche.objet & 'x' }} »" in message
    assert not re.search(r" at [0-9]+", message) and "avant" not in message


def test_xml_invalide_apres_rendu_avec_le_bon_conseil(tmp_path: Path) -> None:
    contexte = {"marche": {"objet": "a < b", "reference": "R"}, "lots": []}
    chemin = modele(tmp_path, "Objet : {{ marche.objet|safe }}", nom="safe.docx")
    with pytest.raises(ErreurModele, match=r"safe.docx : le document produit est invalide .*filtre « safe »"):
        rendre(compiler(chemin), contexte)
    # An {% if %} opened in a paragraph and closed in a table cell: the XML between is cut unevenly.
    chemin = modele(tmp_path, "Début {% if not marche.objet %}caché", nom="si.docx", tableau=["fin{% endif %} suite"])
    with pytest.raises(ErreurModele) as info:
        rendre(compiler(chemin), contexte)
    message = str(info.value)
    assert "commence-t-elle dans un paragraphe" in message and "{%p if … %}" in message
    assert "{%tr %}" not in message


def test_saut_de_ligne_et_tabulation_d_une_valeur_et_memes_octets(tmp_path: Path) -> None:
    """A line break or a tab typed in a value becomes Word's; without any, the part is left as rendered."""
    compile_ = compiler(modele(tmp_path, "Adresse : {{ a }}"))
    contenu = rendre(compile_, {**CONTEXTE, "a": "1 rue du Port\n13400 Aubagne\tFrance"})
    xml = zipfile.ZipFile(io.BytesIO(contenu)).read("word/document.xml").decode("utf-8")
    assert "<w:br/>" in xml and "<w:tab/>" in xml and "\n13400" not in xml
    assert "13400 Aubagne" in texte(contenu)
    # Byte-stable: the same context gives the same bytes, whatever the clock.
    assert rendre(compile_, {**CONTEXTE, "a": "x"}) == rendre(compile_, {**CONTEXTE, "a": "x"})
