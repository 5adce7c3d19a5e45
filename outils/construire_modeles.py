"""Amorce un nouveau modèle Word (docxtpl) à partir d'un brouillon texte lisible.

Usage : python outils/construire_modeles.py BROUILLON.txt [-o modeles/NOM.docx] [--variables FICHIER.md]

Les modèles de `modeles/` font foi : ce sont des documents Word que le service juridique
modifie dans Word, et chaque changement se relit par leur texte (`clause-kit texte`, les textes
de référence de `tests/golden/modeles/`, `clause-kit comparer`). Ce script ne sert plus qu'à
créer un **nouveau** modèle, mis en forme comme les autres (styles, numérotation des articles,
en-tête et pied de page, cadres, champs à remplir), à partir d'un brouillon écrit dans le
balisage ci-dessous ; il refuse de remplacer un .docx existant, pour que jamais une
reconstruction n'efface une modification faite dans Word. Les brouillons des huit modèles
d'origine ont été retirés du dépôt ; l'historique git les garde (`outils/sources_modeles/`).

Le nouveau modèle est vérifié comme par `clause-kit modeles verifier` (balises, blocs,
variables de `modeles/VARIABLES.md`, ou du fichier `--variables` pour un document qui n'est pas
une pièce du dossier, comme le bilan annuel et `modeles/VARIABLES-bilan.md`) avant d'être écrit :
un brouillon fautif ne laisse aucun fichier. La sortie est déterministe : même brouillon, mêmes
octets (dates du zip et des propriétés fixées). Il reste à ajouter la pièce à `modeles/pieces.yaml`
(ou, pour un autre document, à sa liste `documents`).

Balisage des brouillons (une ligne = un paragraphe ; les lignes vides sont ignorées)
===================================================================================

Directives (en tête de fichier de préférence) :
    @titre: ...           titre des propriétés du document (obligatoire)
    @sujet: ...           sujet des propriétés du document (facultatif)
    @pied: ...            texte du pied de page, complété à droite par « Page X sur Y »
    @entete: ...          texte de l'en-tête (défaut : nom de l'acheteur | n° du marché) ;
                          « | » sépare la partie gauche de la partie droite
    @orientation: paysage document en A4 paysage (défaut : portrait)
    @numerotation: ...    préfixe des titres « ## » : `article` (« Article 1 – »), `decimal`
                          (« 1. ») ou `aucune` ; les titres « ### » sont numérotés « 1.1 ».
                          La numérotation est automatique (Word) : elle reste juste quand un
                          article disparaît sous une condition.
    %% ...                commentaire (ignoré)

Paragraphes :
    # texte               titre de la pièce (style Title)
    ## texte              titre d'article (Heading 1, numéroté automatiquement)
    ### texte             sous-titre (Heading 2)
    - texte               puce (List Bullet) ; « -- texte » : puce de second niveau
    > texte               encadré (note, consigne) ; des lignes « > » consécutives forment un cadre
    ☐ texte               case à cocher (retrait suspendu)
    [[Style]] texte       paragraphe dans le style nommé (Acheteur, Adresse, Sous-titre,
                          Reference, Centre, Droite, Petit, Consigne, Signature...)
    texte ...             ligne se terminant par « ... » : champ à remplir ; chaque « ... »
                          devient une tabulation à points de conduite (« Fait à ... le ... »)
    ~                     paragraphe vide (espacement)
    ---                   saut de page
    {%p ... %}            balise docxtpl de paragraphe, recopiée seule dans son paragraphe
    autre texte           paragraphe normal (justifié)

Tableaux :
    @tableau: 4 9 4 [options]   largeurs des colonnes en cm du tableau qui suit (facultatif),
                                options : sans-bordure, sans-entete, petit (9 pt), hauteur=0.8
    | a | b | c |               ligne de tableau ; la première est l'en-tête (gras, grisé, répété) ;
                                toute ligne qui ne commence pas par « | » (même vide) clôt le tableau
    | {%tr for x in y %} |      ligne de balise docxtpl : la balise est seule dans sa ligne
    | ^texte |                  « ^ » en début de cellule : cellule centrée ; « texte ... » : champ
    [cadre: 8]                  cadre à bordure pleine largeur, insécable, 8 lignes pour écrire
    [cadre: 8, contenu]         idem, précédé dans le cadre des paragraphes qui suivent jusqu'à
    ...                         « [/cadre] » (titre [[Titre cadre]], consigne, balises {%p %}...)
    [/cadre]

En ligne : **gras**, *italique*, <br> (saut de ligne ; nouveau paragraphe dans une cellule).
Les balises {{ ... }} et {% ... %} sont toujours écrites d'un seul tenant dans un seul « run »,
comme docxtpl l'exige. Dans le texte (jamais dans les balises), les espaces devant « : ; ? ! »,
après « « » et « n° », et avant « » » deviennent insécables. Les paragraphes de balise {%p %}
sont en petit gris (style Balise) : ils disparaissent au rendu.

Propriétés du document (titre, sujet...) : docxtpl les rend aussi avec l'environnement Jinja de
production (autoescape) ; l'apostrophe droite y est donc remplacée par l'apostrophe typographique
(sinon « &#39; ») et les caractères & < > " { } % y sont refusés.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

RACINE = Path(__file__).resolve().parent.parent
MODELES = RACINE / "modeles"

POLICE = "Calibri"  # LibreOffice la remplace par Carlito, métriquement identique
POLICE_SYMBOLES = "Segoe UI Symbol"  # pour ☐ (repli automatique sur DejaVu Sans ailleurs)
BLEU = RGBColor(0x1F, 0x38, 0x64)
GRIS_ENTETE = "D9E2F3"
GRIS_CADRE = "F2F2F2"
DATE_FIXE = dt.datetime(2026, 1, 1, 0, 0, 0)
MARGE = 2.0  # cm, les quatre côtés
NUMEROTATIONS = {"article": "Article %1 – ", "decimal": "%1. ", "aucune": None}
ID_NUMEROTATION = 90

JETON = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\*\*|\*|☐|<br>)")
TYPO = [
    (" :", "\u00a0:"),
    (" ;", "\u00a0;"),
    (" ?", "\u00a0?"),
    (" !", "\u00a0!"),
    ("« ", "«\u00a0"),
    (" »", "\u00a0»"),
    ("n° ", "n°\u00a0"),
]


# ordre des enfants de w:pPr imposé par le schéma OOXML (Word refuse un ordre différent)
ORDRE_PPR = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]


def inserer_ppr(ppr, element) -> None:
    """Insère `element` dans w:pPr à la place que lui assigne le schéma."""
    nom = element.tag.replace(qn("w:"), "w:")
    existant = ppr.find(element.tag)
    if existant is not None:
        ppr.remove(existant)
    ppr.insert_element_before(element, *ORDRE_PPR[ORDRE_PPR.index(nom) + 1 :])


class ErreurSource(Exception):
    """Erreur de balisage, avec le fichier et la ligne."""


# --------------------------------------------------------------------------- lecture


@dataclass
class Tableau:
    lignes: list[list[str]]
    largeurs: list[float] = field(default_factory=list)
    bordure: bool = True
    entete: bool = True
    petit: bool = False
    hauteur: float | None = None


@dataclass
class Source:
    nom: str
    titre: str = ""
    sujet: str = ""
    pied: str = ""
    entete: str = "{{ document.mention_projet }}{{ acheteur.nom }}|Marché n° {{ marche.reference }}"
    paysage: bool = False
    numerotation: str = "article"
    blocs: list[tuple[str, object]] = field(default_factory=list)


CADRE_CONTENU = re.compile(r"\[cadre:\s*(\d+),\s*contenu\]")
BLOCS_DE_CADRE = ("para", "balise", "champ", "vide")


class _Lecteur:
    """Lit une source ligne à ligne ; garde le tableau et le cadre en cours."""

    def __init__(self, chemin: Path) -> None:
        self.chemin = chemin
        self.src = Source(nom=chemin.stem)
        self.options_tableau: dict | None = None
        self.tableau: Tableau | None = None
        self.cadre: tuple[int, list] | None = None  # cadre à contenu en cours : (lignes, blocs)

    def lire(self) -> Source:
        for num, brute in enumerate(self.chemin.read_text(encoding="utf-8").splitlines(), 1):
            try:
                self._ligne(brute.rstrip())
            except ErreurSource as exc:
                raise ErreurSource(f"{self.chemin.name}:{num}: {exc}") from None
        self._fermer_tableau()
        if self.cadre is not None:
            raise ErreurSource(f"{self.chemin.name}: [/cadre] manquant")
        if not self.src.titre:
            raise ErreurSource(f"{self.chemin.name}: directive @titre manquante")
        return self.src

    def _ligne(self, ligne: str) -> None:
        texte = ligne.strip()
        if self.cadre is not None:
            self._ligne_de_cadre(ligne, texte)
            return
        if not texte.startswith("|"):
            self._fermer_tableau()
        if not texte or texte.startswith("%%"):
            return
        m = CADRE_CONTENU.fullmatch(texte)
        if m:
            self.cadre = (int(m.group(1)), [])
        elif texte.startswith("@"):
            self.options_tableau = _directive(self.src, texte, self.options_tableau)
        elif texte.startswith("|"):
            if self.tableau is None:
                self.tableau = Tableau(lignes=[], **(self.options_tableau or {}))
                self.options_tableau = None
            self.tableau.lignes.append(_cellules(texte))
        else:
            self.src.blocs.append(_paragraphe(ligne))

    def _ligne_de_cadre(self, ligne: str, texte: str) -> None:
        if texte == "[/cadre]":
            self.src.blocs.append(("cadre", self.cadre))
            self.cadre = None
        elif texte and not texte.startswith("%%"):
            bloc = _paragraphe(ligne)
            if bloc[0] not in BLOCS_DE_CADRE:
                raise ErreurSource(f"{bloc[0]} interdit dans un cadre")
            self.cadre[1].append(bloc)

    def _fermer_tableau(self) -> None:
        if self.tableau is not None:
            self.src.blocs.append(("tableau", self.tableau))
            self.tableau = None


def lire_source(chemin: Path) -> Source:
    return _Lecteur(chemin).lire()


def _directive(src: Source, texte: str, options: dict | None) -> dict | None:
    cle, _, valeur = texte[1:].partition(":")
    cle, valeur = cle.strip(), valeur.strip()
    if cle == "titre":
        src.titre = valeur
    elif cle == "sujet":
        src.sujet = valeur
    elif cle == "pied":
        src.pied = valeur
    elif cle == "entete":
        src.entete = valeur
    elif cle == "orientation":
        if valeur not in ("paysage", "portrait"):
            raise ErreurSource(f"orientation inconnue : {valeur}")
        src.paysage = valeur == "paysage"
    elif cle == "numerotation":
        if valeur not in NUMEROTATIONS:
            raise ErreurSource(f"numérotation inconnue : {valeur}")
        src.numerotation = valeur
    elif cle == "tableau":
        return _options_tableau(valeur)
    else:
        raise ErreurSource(f"directive inconnue : @{cle}")
    return options


def _options_tableau(valeur: str) -> dict:
    opts: dict = {"largeurs": []}
    for mot in valeur.split():
        if re.fullmatch(r"\d+(\.\d+)?", mot):
            opts["largeurs"].append(float(mot))
        elif mot == "sans-bordure":
            opts["bordure"] = False
        elif mot == "sans-entete":
            opts["entete"] = False
        elif mot == "petit":
            opts["petit"] = True
        elif mot.startswith("hauteur="):
            opts["hauteur"] = float(mot.split("=", 1)[1])
        else:
            raise ErreurSource(f"option de tableau inconnue : {mot}")
    return opts


def _cellules(texte: str) -> list[str]:
    if not texte.endswith("|"):
        raise ErreurSource("une ligne de tableau doit finir par « | »")
    # on ne découpe pas à l'intérieur des balises Jinja (« | » y est un filtre)
    cellules, courant, i = [], "", 1
    while i < len(texte) - 1:
        if texte.startswith(("{{", "{%"), i):
            fin = texte.find("}}" if texte[i + 1] == "{" else "%}", i)
            if fin < 0:
                raise ErreurSource("balise non fermée")
            courant += texte[i : fin + 2]
            i = fin + 2
        elif texte[i] == "|":
            cellules.append(courant.strip())
            courant, i = "", i + 1
        else:
            courant += texte[i]
            i += 1
    cellules.append(courant.strip())
    return cellules


SPECIAUX = {"~": ("vide", None), "---": ("saut", None)}


def _paragraphe(ligne: str) -> tuple[str, object]:
    texte = ligne.strip()
    if texte.startswith("{%p ") or texte.startswith("{%p\t"):
        if not (texte.endswith("%}") and texte.count("{%") == 1):
            raise ErreurSource("une balise {%p ... %} doit être seule sur sa ligne")
        return ("balise", texte)
    if "{%p" in texte or "{%tr" in texte:
        raise ErreurSource("balise {%p / {%tr mêlée à du texte")
    if texte in SPECIAUX:
        return SPECIAUX[texte]
    m = re.fullmatch(r"\[cadre:\s*(\d+)\]", texte)
    if m:
        return ("cadre", (int(m.group(1)), []))
    for prefixe, style in (
        ("### ", "Heading 2"),
        ("## ", "Heading 1"),
        ("# ", "Title"),
        ("-- ", "List Bullet 2"),
        ("- ", "List Bullet"),
        ("> ", "Encadre"),
        ("☐ ", "Case"),
    ):
        if texte.startswith(prefixe):
            contenu = texte[len(prefixe) :] if prefixe != "☐ " else texte
            return ("para", (style, contenu))
    m = re.fullmatch(r"\[\[([^\]]+)\]\]\s*(.*)", texte)
    if m:
        return ("para", (m.group(1), m.group(2)))
    if texte.endswith("..."):
        return ("champ", texte)
    return ("para", ("Normal", texte))


# --------------------------------------------------------------------------- styles


def _polices(rpr) -> None:
    """Police explicite (pas de police de thème) sur un w:rPr."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), POLICE)


def preparer_styles(doc, largeur_texte: float, numerotation: str | None) -> None:
    _valeurs_par_defaut(doc.styles.element)
    _styles_word(doc.styles)
    _styles_maison(doc.styles, largeur_texte)
    if numerotation:
        _numeroter_titres(doc, numerotation)


def _valeurs_par_defaut(racine) -> None:
    """Police, interligne et langue française par défaut ; plus de polices ni couleurs de thème."""
    defaut = racine.find(qn("w:docDefaults"))
    rpr = defaut.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _polices(rpr)
    rpr.find(qn("w:lang")).set(qn("w:val"), "fr-FR")
    esp = defaut.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    esp.set(qn("w:after"), "120")
    esp.set(qn("w:line"), "259")
    for fonts in racine.iter(qn("w:rFonts")):
        _polices(fonts.getparent())
    for couleur in racine.iter(qn("w:color")):
        for attr in [a for a in couleur.attrib if "theme" in a.lower()]:
            del couleur.attrib[attr]


def _styles_word(styles) -> None:
    """Styles intégrés de Word (Normal, Title, Heading, List Bullet, Header, Footer) retouchés."""
    _proprietes_style(styles["Normal"], taille=11, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    styles["Normal"].font.name = POLICE
    titre = styles["Title"]
    pbdr = titre.element.get_or_add_pPr().find(qn("w:pBdr"))
    if pbdr is not None:
        titre.element.pPr.remove(pbdr)
    _proprietes_style(titre, taille=18, gras=True, couleur=BLEU, align=WD_ALIGN_PARAGRAPH.CENTER, avant=6, apres=4)
    for nom, taille, avant in (("Heading 1", 13, 16), ("Heading 2", 11.5, 10)):
        _proprietes_style(
            styles[nom],
            taille=taille,
            gras=True,
            italique=False,
            couleur=BLEU,
            avant=avant,
            apres=6,
            suivant=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
    for nom in ("List Bullet", "List Bullet 2"):
        _proprietes_style(styles[nom], apres=3)
        ctx = styles[nom].element.pPr.find(qn("w:contextualSpacing"))
        if ctx is not None:
            styles[nom].element.pPr.remove(ctx)
    for nom in ("Header", "Footer"):
        _proprietes_style(styles[nom], taille=9)
        tabs = styles[nom].element.get_or_add_pPr().find(qn("w:tabs"))
        if tabs is not None:  # taquets du modèle python-docx (format Letter) : on les retire
            tabs.getparent().remove(tabs)


def _styles_maison(styles, largeur_texte: float) -> None:
    """Styles propres aux pièces : bloc d'en-tête, encadré, cases, champs, tableaux, balises."""
    c, g = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    _nouveau_style(styles, "Acheteur", taille=13, gras=True, align=c, apres=0, couleur=BLEU, petites_caps=True)
    _nouveau_style(styles, "Adresse", taille=9.5, align=c, apres=0)
    _nouveau_style(styles, "Sous-titre", taille=12, italique=True, align=c, apres=4, couleur=BLEU)
    ref = _nouveau_style(styles, "Reference", taille=11.5, gras=True, align=c, avant=4, apres=14)
    _bordure_paragraphe(ref, ("bottom",), couleur="1F3864", taille=8, espace=6)
    _nouveau_style(styles, "Centre", align=c)
    _nouveau_style(styles, "Droite", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _nouveau_style(styles, "Petit", taille=9, apres=2)
    _nouveau_style(styles, "Consigne", taille=10, italique=True, apres=4, align=g)
    _nouveau_style(styles, "Signature", align=g, avant=0, apres=2)
    cadre = _nouveau_style(styles, "Encadre", taille=10, apres=0)
    cadre.paragraph_format.left_indent = Cm(0.2)
    cadre.paragraph_format.right_indent = Cm(0.2)
    _bordure_paragraphe(
        cadre, ("top", "left", "bottom", "right"), couleur="8EAADB", taille=6, espace=4, fond=GRIS_CADRE
    )
    case = _nouveau_style(styles, "Case", apres=4, align=g)
    case.paragraph_format.left_indent = Cm(1.0)
    case.paragraph_format.first_line_indent = Cm(-0.6)
    champ = _nouveau_style(styles, "Champ", align=g, apres=6)
    champ.paragraph_format.tab_stops.add_tab_stop(Cm(largeur_texte), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    _nouveau_style(styles, "Texte tableau", taille=10, apres=0, align=g)
    _nouveau_style(styles, "Titre cadre", taille=11, gras=True, couleur=BLEU, apres=3, avant=2, align=g, suivant=True)
    _nouveau_style(styles, "Texte tableau petit", base="Texte tableau", taille=9)
    _nouveau_style(styles, "Balise", taille=8, apres=0, couleur=RGBColor(0x80, 0x80, 0x80))


# propriété du balisage -> (objet du style, attribut python-docx, conversion)
PROPRIETES_STYLE = {
    "taille": ("font", "size", Pt),
    "gras": ("font", "bold", None),
    "italique": ("font", "italic", None),
    "petites_caps": ("font", "small_caps", None),
    "couleur": ("font.color", "rgb", None),
    "align": ("paragraph_format", "alignment", None),
    "avant": ("paragraph_format", "space_before", Pt),
    "apres": ("paragraph_format", "space_after", Pt),
    "suivant": ("paragraph_format", "keep_with_next", None),
}


def _proprietes_style(style, **proprietes) -> None:
    for cle, valeur in proprietes.items():
        chemin, attribut, conversion = PROPRIETES_STYLE[cle]
        objet = style
        for morceau in chemin.split("."):
            objet = getattr(objet, morceau)
        setattr(objet, attribut, conversion(valeur) if conversion else valeur)


def _nouveau_style(styles, nom: str, base: str = "Normal", **proprietes):
    style = styles.add_style(nom, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    _proprietes_style(style, **proprietes)
    return style


def _bordure_paragraphe(style, cotes, couleur, taille, espace, fond=None) -> None:
    ppr = style.element.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for cote in cotes:
        b = OxmlElement(f"w:{cote}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), str(taille))
        b.set(qn("w:space"), str(espace))
        b.set(qn("w:color"), couleur)
        bdr.append(b)
    inserer_ppr(ppr, bdr)
    if fond:
        inserer_ppr(ppr, parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fond}"/>'))


def _numeroter_titres(doc, format1: str) -> None:
    numerotation = doc.part.numbering_part.element
    abstrait = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{ID_NUMEROTATION}">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:pStyle w:val="Heading1"/><w:suff w:val="nothing"/>'
        f'<w:lvlText w:val="{format1}"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:pStyle w:val="Heading2"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%1.%2 "/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
    )
    premier_num = numerotation.find(qn("w:num"))
    if premier_num is not None:
        premier_num.addprevious(abstrait)
    else:
        numerotation.append(abstrait)
    numerotation.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{ID_NUMEROTATION}"><w:abstractNumId w:val="{ID_NUMEROTATION}"/></w:num>'
        )
    )
    for nom, niveau in (("Heading 1", 0), ("Heading 2", 1)):
        ppr = doc.styles[nom].element.get_or_add_pPr()
        inserer_ppr(
            ppr,
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{niveau}"/><w:numId w:val="{ID_NUMEROTATION}"/></w:numPr>'
            ),
        )


# --------------------------------------------------------------------------- écriture


def _typo(texte: str) -> str:
    for avant, apres in TYPO:
        texte = texte.replace(avant, apres)
    return texte


def ecrire_texte(paragraphe, texte: str, nouveau_paragraphe=None) -> None:
    """Ajoute `texte` (balisage en ligne) au paragraphe, en runs ; balises Jinja d'un seul tenant."""
    gras = italique = False
    for jeton in JETON.split(texte):
        if not jeton:
            continue
        if jeton == "**":
            gras = not gras
        elif jeton == "*":
            italique = not italique
        elif jeton == "<br>":
            if nouveau_paragraphe is not None:
                paragraphe = nouveau_paragraphe()
            else:
                paragraphe.add_run().add_break(WD_BREAK.LINE)
        else:
            est_balise = jeton.startswith(("{{", "{%"))
            run = paragraphe.add_run(jeton if est_balise else _typo(jeton))
            run.bold = gras or None
            run.italic = italique or None
            if jeton == "☐":
                run.font.name = POLICE_SYMBOLES
                run.element.rPr.rFonts.set(qn("w:eastAsia"), POLICE_SYMBOLES)
                run.element.rPr.rFonts.set(qn("w:cs"), POLICE_SYMBOLES)
    if gras or italique:
        raise ErreurSource(f"** ou * non refermé dans : {texte}")


def ajouter_champ(paragraphe, texte: str, largeur: float | None = None) -> None:
    """Champ à remplir : chaque « ... » devient une tabulation à points de conduite."""
    morceaux = texte.split("...")
    n = len(morceaux) - 1
    if largeur is not None:
        # pointillés de même longueur : largeur des libellés estimée (≈ 0,2 cm par caractère)
        libelles = [0.2 * len(re.sub(r"\*\*|\{\{.*?\}\}|\{%.*?%\}", "", m)) for m in morceaux[:-1]]
        pointilles = max(largeur - sum(libelles), 0) / n
        taquets = paragraphe.paragraph_format.tab_stops
        position = 0.0
        for k in range(n):
            position += libelles[k] + pointilles
            if k < n - 1:  # taquet gauche : le libellé suivant commence au taquet
                taquets.add_tab_stop(Cm(min(position, largeur)), WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.DOTS)
            else:  # dernier pointillé : jusqu'à la marge droite
                taquets.add_tab_stop(Cm(largeur), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    for k, morceau in enumerate(morceaux):
        if morceau:
            debut = " " if k > 0 else ""
            ecrire_texte(paragraphe, debut + morceau.strip() + " " if k < n else morceau)
        if k < n:
            paragraphe.add_run("\t")


def _largeur_texte(src: Source) -> float:
    return (29.7 if src.paysage else 21.0) - 2 * MARGE


def construire(src: Source, sortie: Path) -> None:
    doc = Document()
    largeur = _largeur_texte(src)
    preparer_styles(doc, largeur, NUMEROTATIONS[src.numerotation])
    section = doc.sections[0]
    if src.paysage:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for cote in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, cote, Cm(MARGE))
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(1.0)
    _entete_pied(section, src, largeur)

    for genre, valeur in src.blocs:
        if genre in ("balise", "para", "champ", "vide"):
            ecrire_bloc(doc, genre, valeur, largeur, src.nom)
        elif genre == "saut":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif genre == "cadre":
            _cadre(doc, valeur, largeur, src.nom)
        elif genre == "tableau":
            _tableau(doc, valeur, largeur, src.nom)

    _proprietes(doc, src)
    tampon = io.BytesIO()
    doc.save(tampon)
    sortie.write_bytes(_zip_deterministe(tampon.getvalue()))


def ecrire_bloc(conteneur, genre: str, valeur, largeur: float, nom: str, style_defaut="Normal"):
    """Écrit un paragraphe (texte, balise, champ, vide) dans le corps ou dans une cellule."""
    styles = conteneur.part.document.styles
    if genre == "balise":
        conteneur.add_paragraph(style="Balise").add_run(valeur)
    elif genre == "para":
        style, texte = valeur
        if style not in styles:
            raise ErreurSource(f"{nom}: style inconnu [[{style}]]")
        if style == "Normal":
            style = style_defaut
        ecrire_texte(conteneur.add_paragraph(style=style), texte)
    elif genre == "champ":
        p = conteneur.add_paragraph(style="Champ")
        ajouter_champ(p, valeur, largeur if valeur.count("...") > 1 or style_defaut != "Normal" else None)
    elif genre == "vide":
        conteneur.add_paragraph(style=style_defaut)


def _champ_word(paragraphe, instruction: str) -> None:
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}><w:t>1</w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraphe._p.append(parse_xml(xml))


def _entete_pied(section, src: Source, largeur: float) -> None:
    entete = section.header.paragraphs[0]
    entete.paragraph_format.tab_stops.add_tab_stop(Cm(largeur), WD_TAB_ALIGNMENT.RIGHT)
    gauche, _, droite = src.entete.partition("|")
    ecrire_texte(entete, gauche.strip())
    if droite:
        entete.add_run("\t")
        ecrire_texte(entete, droite.strip())
    _ligne_sous(entete, "bottom")

    pied = section.footer.paragraphs[0]
    pied.paragraph_format.tab_stops.add_tab_stop(Cm(largeur), WD_TAB_ALIGNMENT.RIGHT)
    ecrire_texte(pied, src.pied)
    pied.add_run("\tPage ")
    _champ_word(pied, "PAGE")
    pied.add_run(" sur ")
    _champ_word(pied, "NUMPAGES")
    _ligne_sous(pied, "top")


def _ligne_sous(paragraphe, cote: str) -> None:
    ppr = paragraphe._p.get_or_add_pPr()
    inserer_ppr(
        ppr,
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:{cote} w:val="single" w:sz="4" w:space="3" w:color="8EAADB"/></w:pBdr>'),
    )


def _cadre(doc, valeur: tuple[int, list], largeur: float, nom: str) -> None:
    """Cadre à bordure, insécable : contenu éventuel (titre, consigne), puis lignes vides."""
    lignes, blocs = valeur
    if lignes < 1:
        raise ErreurSource(f"{nom}: un cadre compte au moins une ligne")
    if doc.paragraphs:  # le libellé qui précède reste avec le cadre (Word)
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=1)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    table.style = doc.styles["Table Grid"]
    _largeurs(table, [largeur])
    cellule = table.cell(0, 0)
    premier = cellule.paragraphs[0]
    for genre, v in blocs:
        ecrire_bloc(cellule, genre, v, largeur - 0.6, nom, style_defaut="Texte tableau")
    for _ in range(lignes):
        p = cellule.add_paragraph(style="Texte tableau")
        p.paragraph_format.space_after = Pt(6)
    premier._p.getparent().remove(premier._p)  # paragraphe initial vide de python-docx
    doc.add_paragraph(style="Petit")  # espace après le cadre (et sépare deux tableaux)


def _largeurs(table, largeurs: list[float]) -> None:
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.insert_element_before(layout, "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(int(sum(largeurs) * 567)))
    for col, larg in zip(table.columns, largeurs, strict=True):
        col.width = Cm(larg)
        for cellule in col.cells:
            cellule.width = Cm(larg)


def _tableau(doc, t: Tableau, largeur: float, nom: str) -> None:
    largeurs = _largeurs_colonnes(t, largeur, nom)
    if doc.paragraphs:  # le paragraphe d'introduction reste avec le tableau
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    table = doc.add_table(rows=len(t.lignes), cols=len(largeurs))
    if t.bordure:
        table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _largeurs(table, largeurs)
    insecable = len(t.lignes) <= 10  # petit tableau : pas de coupure de page
    for i, ligne in enumerate(t.lignes):
        rangee = table.rows[i]
        if ligne[0].startswith("{%tr "):
            _ligne_balise(rangee, ligne, nom)
            continue
        en_tete = t.entete and i == 0
        _proprietes_ligne(rangee, en_tete, None if en_tete else t.hauteur)
        for j, cellule in enumerate(rangee.cells):
            _cellule(cellule, ligne[j] if j < len(ligne) else "", largeurs[j], t.petit)
            if insecable and i < len(t.lignes) - 1:
                for q in cellule.paragraphs:
                    q.paragraph_format.keep_with_next = True
            if en_tete:
                _cellule_en_tete(cellule)
    doc.add_paragraph(style="Petit")  # un paragraphe après chaque tableau (exigé entre deux tableaux)


def _largeurs_colonnes(t: Tableau, largeur: float, nom: str) -> list[float]:
    ncol = max(len(ligne) for ligne in t.lignes)
    largeurs = t.largeurs or [largeur / ncol] * ncol
    if len(largeurs) != ncol:
        raise ErreurSource(f"{nom}: {ncol} colonnes mais {len(largeurs)} largeurs : {t.lignes[0]}")
    if abs(sum(largeurs) - largeur) > 0.05 and t.bordure:
        raise ErreurSource(f"{nom}: largeurs {sum(largeurs)} cm au lieu de {largeur} cm")
    return largeurs


def _proprietes_ligne(rangee, en_tete: bool, hauteur: float | None) -> None:
    trpr = rangee._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))  # ordre du schéma : cantSplit, trHeight, tblHeader
    if hauteur:
        rangee.height = Cm(hauteur)
    if en_tete:
        trpr.append(OxmlElement("w:tblHeader"))


def _ligne_balise(rangee, ligne: list[str], nom: str) -> None:
    """Ligne {%tr ... %} : la balise seule, dans la première cellule."""
    if any(ligne[1:]):
        raise ErreurSource(f"{nom}: une balise {{%tr %}} doit être seule dans sa ligne : {ligne}")
    for j, cellule in enumerate(rangee.cells):
        p = cellule.paragraphs[0]
        p.style = p.part.document.styles["Balise"]
        if j == 0:
            p.add_run(ligne[0])


def _cellule(cellule, contenu: str, largeur: float, petit: bool) -> None:
    style = "Texte tableau petit" if petit else "Texte tableau"
    centre = contenu.startswith("^")
    if centre:
        contenu = contenu[1:].lstrip()
    p = cellule.paragraphs[0]
    p.style = p.part.document.styles[style]

    def suivant():
        return cellule.add_paragraph(style=style)

    if contenu.endswith("..."):
        ajouter_champ(p, contenu, largeur - 0.6)
    else:
        ecrire_texte(p, contenu, nouveau_paragraphe=suivant)
    if centre:
        for q in cellule.paragraphs:
            q.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _cellule_en_tete(cellule) -> None:
    for q in cellule.paragraphs:
        for run in q.runs:
            run.bold = True
    cellule._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{GRIS_ENTETE}"/>')
    )


def _proprietes(doc, src: Source) -> None:
    cp = doc.core_properties

    # docxtpl rend ces chaînes avec l'environnement de production (autoescape) : on y évite
    # ' & < > " (l'apostrophe deviendrait &#39;), d'où l'apostrophe typographique.
    def propre(s: str) -> str:
        s = s.replace("'", "’")
        if re.search(r'[&<>"{}%]', s):
            raise ErreurSource(f"{src.nom}: caractère interdit dans une propriété : {s}")
        return s

    cp.title = propre(src.titre)
    cp.subject = propre(src.sujet or "Clause d’insertion sociale dans un marché public")
    cp.author = "clause_kit"
    cp.last_modified_by = "clause_kit"
    cp.comments = propre("Modèle docxtpl construit par outils/construire_modeles.py")
    cp.keywords = "clause d’insertion; marché public; DCE"
    cp.category = "Modèle de pièce de marché"
    cp.language = "fr-FR"
    cp.identifier = ""
    cp.revision = 1
    cp.created = DATE_FIXE
    cp.modified = DATE_FIXE
    cp.last_printed = DATE_FIXE


def _zip_deterministe(donnees: bytes) -> bytes:
    entree = zipfile.ZipFile(io.BytesIO(donnees))
    sortie_buf = io.BytesIO()
    with zipfile.ZipFile(sortie_buf, "w", zipfile.ZIP_DEFLATED) as sortie:
        for info in entree.infolist():
            nouveau = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            nouveau.compress_type = zipfile.ZIP_DEFLATED
            nouveau.external_attr = 0o644 << 16
            sortie.writestr(nouveau, entree.read(info.filename))
    return sortie_buf.getvalue()


def verifier(chemin: Path, variables: Path | None = None) -> list[str]:
    """Les problèmes du modèle construit, vus comme par « clause-kit modeles verifier »."""
    from clause_kit.revue.variables import lire_variables
    from clause_kit.revue.verification import verifier_modele

    schema = lire_variables(variables or MODELES / "VARIABLES.md")
    return [str(p) for p in verifier_modele(chemin, schema, nom=chemin.name)]


def _arguments(arguments: list[str]) -> tuple[Path, Path, Path | None] | str:
    """(brouillon, modèle à créer, variables), ou le message d'erreur d'utilisation."""
    variables = None
    if "--variables" in arguments:
        position = arguments.index("--variables")
        if position + 1 >= len(arguments):
            return "l'option --variables attend le fichier des variables du modèle"
        variables = Path(arguments[position + 1])
        arguments = arguments[:position] + arguments[position + 2 :]
    brouillons = [a for a in arguments if a not in ("-o", "--sortie")]
    sortie = None
    if "-o" in arguments or "--sortie" in arguments:
        position = arguments.index("-o" if "-o" in arguments else "--sortie")
        if position + 1 >= len(arguments):
            return "l'option -o attend le chemin du modèle à créer"
        sortie = Path(arguments[position + 1])
        brouillons.remove(arguments[position + 1])
    if len(brouillons) != 1 or brouillons[0].startswith("-"):
        return "usage : python outils/construire_modeles.py BROUILLON.txt [-o modeles/NOM.docx] [--variables F.md]"
    brouillon = Path(brouillons[0])
    return brouillon, sortie or MODELES / f"{brouillon.stem}.docx", variables


def main(arguments: list[str]) -> int:
    lus = _arguments(arguments)
    if isinstance(lus, str):
        print(f"erreur : {lus}", file=sys.stderr)
        return 2
    brouillon, sortie, variables = lus
    if sortie.exists():
        print(
            f"erreur : {sortie} existe déjà. Les modèles .docx font foi : modifiez-le dans Word "
            "(ce script ne crée que de nouveaux modèles).",
            file=sys.stderr,
        )
        return 1
    temporaire = sortie.with_name(f".{sortie.name}.brouillon")
    try:
        construire(lire_source(brouillon), temporaire)
        problemes = verifier(temporaire, variables)
        if problemes:
            raise ErreurSource(
                "le modèle construit ne passerait pas « clause-kit modeles verifier » :\n" + "\n".join(problemes)
            )
        temporaire.replace(sortie)
    except ErreurSource as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        from clause_kit.commun.erreurs import raison_systeme

        print(f"erreur : {exc.filename or sortie} : {raison_systeme(exc)}", file=sys.stderr)
        return 1
    finally:
        temporaire.unlink(missing_ok=True)
    print(f"{sortie} créé ; ajoutez la pièce à modeles/pieces.yaml puis lancez « clause-kit modeles verifier ».")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
