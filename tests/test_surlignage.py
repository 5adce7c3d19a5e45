"""Highlighted values in rendered pieces: marks become highlighted runs that keep their formatting."""

from __future__ import annotations

from lxml import etree

from clause_kit.commun.formats import surligne
from clause_kit.rendu.surlignage import appliquer_surlignage

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _document(texte: str, rpr: str = "<w:rPr><w:b/><w:lang w:val='fr-FR'/></w:rPr>") -> str:
    return (
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r>{rpr}<w:t xml:space="preserve">{texte}</w:t><w:tab/></w:r>'
        "</w:p></w:body></w:document>"
    )


def test_la_valeur_marquee_devient_un_run_surligne_qui_garde_sa_mise_en_forme() -> None:
    xml = appliquer_surlignage(_document(f"Contact : {surligne('[À COMPLÉTER]')}."))
    racine = etree.fromstring(xml.encode())
    runs = racine.findall(f".//{{{W}}}r")
    textes = ["".join(r.itertext()) for r in runs]
    assert textes == ["Contact : ", "[À COMPLÉTER]", ".", ""]
    surlignes = [r for r in runs if r.find(f"{{{W}}}rPr/{{{W}}}highlight") is not None]
    assert ["".join(r.itertext()) for r in surlignes] == ["[À COMPLÉTER]"]
    assert all(r.find(f"{{{W}}}rPr/{{{W}}}b") is not None for r in runs)  # bold kept everywhere
    ordre = [e.tag.split("}")[1] for e in surlignes[0].find(f"{{{W}}}rPr")]
    assert ordre == ["b", "highlight", "lang"]  # schema order: Word refuses another one
    assert runs[-1].find(f"{{{W}}}tab") is not None  # what followed the text stays after it
    assert "\ue000" not in xml and "\ue001" not in xml


def test_plusieurs_marques_dans_un_texte_et_run_sans_proprietes() -> None:
    xml = appliquer_surlignage(_document(f"{surligne('a')} et {surligne('b')}", rpr=""))
    racine = etree.fromstring(xml.encode())
    surlignes = ["".join(r.itertext()) for r in racine.iter(f"{{{W}}}r") if r.find(f".//{{{W}}}highlight") is not None]
    assert surlignes == ["a", "b"]


def test_sans_marque_le_xml_n_est_pas_reserialise() -> None:
    source = _document("rien à surligner")
    assert appliquer_surlignage(source) == source
