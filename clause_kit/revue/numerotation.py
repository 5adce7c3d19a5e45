"""Numbering as Word shows it (« Article 3 – », « 2.1 », « • »), derived from numbering.xml and styles.xml.

Word does not store the numbers: each numbered paragraph points (directly or through its
style and the styles it is based on) to a list definition and a level, and Word counts. We
count the same way, in reading order, so that ``texte`` prints « Article 3 – Pénalités »
and a diff shows that an article was renumbered. Counters belong to the abstract list
definition, as in Word, and restart where a list instance says so (``startOverride``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from clause_kit.revue.paquet import qn

__all__ = ["Numerotation"]

_NIVEAUX = 9
_ROMAINS = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
    (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


@dataclass
class _Niveau:
    debut: int = 1
    format: str = "decimal"
    texte: str = ""
    suffixe: str = "tab"
    relance: int | None = None  # restart after this level (1-based, as lvlRestart), None: after any higher one
    legal: bool = False


@dataclass
class _Liste:
    abstrait: str
    niveaux: dict[int, _Niveau] = field(default_factory=dict)
    relances: dict[int, int] = field(default_factory=dict)  # startOverride per level


def _val(element: etree._Element | None, nom: str) -> str | None:
    enfant = element.find(qn(nom)) if element is not None else None
    return enfant.get(qn("w:val")) if enfant is not None else None


def _entier(texte: str | None, defaut: int) -> int:
    try:
        return int(texte) if texte is not None else defaut
    except ValueError:
        return defaut


def _romain(n: int) -> str:
    sortie = ""
    for valeur, chiffres in _ROMAINS:
        while n >= valeur:
            sortie, n = sortie + chiffres, n - valeur
    return sortie


def _formater(n: int, format_: str) -> str:
    if format_ in ("upperRoman", "lowerRoman") and n > 0:
        return _romain(n).upper() if format_ == "upperRoman" else _romain(n)
    if format_ in ("upperLetter", "lowerLetter") and n > 0:
        lettre = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return lettre.upper() if format_ == "upperLetter" else lettre
    if format_ == "decimalZero":
        return f"{n:02d}"
    if format_ == "ordinal":  # French Word writes 1er, 2e, 3e
        return "1er" if n == 1 else f"{n}e"
    return str(n)


def _puce(texte: str) -> str:
    """Bullet characters in symbol fonts live in the private use area: show them as a plain bullet."""
    if not texte or any("\uf000" <= c <= "\uf8ff" for c in texte):
        return "•"
    return texte


class Numerotation:
    """Counts numbered paragraphs of one part in reading order and gives each its label."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self._styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id → (numId, ilvl, basedOn)
        self._style_defaut: str | None = None
        self._lier_styles(styles)
        self._abstraits: dict[str, dict[int, _Niveau]] = {}
        self._liens_abstraits: dict[str, str] = {}  # abstractNumId → style name of numStyleLink
        self._styles_abstraits: dict[str, dict[str, int]] = {}  # abstractNumId → pStyle → level
        self._listes: dict[str, _Liste] = {}
        self._lire_numerotation(numbering)
        self._compteurs: dict[str, list[int | None]] = {}
        self._instances_vues: set[str] = set()

    def _lier_styles(self, styles: etree._Element | None) -> None:
        if styles is None:
            return
        for style in styles.iter(qn("w:style")):
            if style.get(qn("w:type")) != "paragraph":
                continue
            identifiant = style.get(qn("w:styleId")) or ""
            numpr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            self._styles[identifiant] = (_val(numpr, "w:numId"), _val(numpr, "w:ilvl"), _val(style, "w:basedOn"))
            if style.get(qn("w:default")) in ("1", "true"):
                self._style_defaut = identifiant

    def _lire_numerotation(self, numbering: etree._Element | None) -> None:
        if numbering is None:
            return
        for abstrait in numbering.iter(qn("w:abstractNum")):
            identifiant = abstrait.get(qn("w:abstractNumId")) or ""
            self._abstraits[identifiant] = {}
            self._styles_abstraits[identifiant] = {}
            lien = _val(abstrait, "w:numStyleLink")
            if lien:
                self._liens_abstraits[identifiant] = lien
            for lvl in abstrait.iter(qn("w:lvl")):
                niveau = _entier(lvl.get(qn("w:ilvl")), 0)
                self._abstraits[identifiant][niveau] = self._niveau(lvl)
                style = _val(lvl, "w:pStyle")
                if style:
                    self._styles_abstraits[identifiant][style] = niveau
        for num in numbering.iter(qn("w:num")):
            liste = _Liste(_val(num, "w:abstractNumId") or "")
            for surcharge in num.iter(qn("w:lvlOverride")):
                niveau = _entier(surcharge.get(qn("w:ilvl")), 0)
                debut = _val(surcharge, "w:startOverride")
                if debut is not None:
                    liste.relances[niveau] = _entier(debut, 1)
                lvl = surcharge.find(qn("w:lvl"))
                if lvl is not None:
                    liste.niveaux[niveau] = self._niveau(lvl)
            self._listes[num.get(qn("w:numId")) or ""] = liste

    @staticmethod
    def _niveau(lvl: etree._Element) -> _Niveau:
        relance = _val(lvl, "w:lvlRestart")
        return _Niveau(
            debut=_entier(_val(lvl, "w:start"), 0),
            format=_val(lvl, "w:numFmt") or "decimal",
            texte=_val(lvl, "w:lvlText") or "",
            suffixe=_val(lvl, "w:suff") or "tab",
            relance=_entier(relance, 0) if relance is not None else None,
            legal=lvl.find(qn("w:isLgl")) is not None,
        )

    def _par_style(self, style: str | None) -> tuple[str | None, str | None, str | None]:
        """(numId, ilvl, style carrying the numbering) inherited through basedOn."""
        vus: set[str] = set()
        while style is not None and style not in vus:
            vus.add(style)
            num, niveau, parent = self._styles.get(style, (None, None, None))
            if num is not None:
                return num, niveau, style
            style = parent
        return None, None, None

    def _abstrait(self, num: str) -> str | None:
        liste = self._listes.get(num)
        if liste is None:
            return None
        abstrait = liste.abstrait
        lien = self._liens_abstraits.get(abstrait)
        if lien is not None:  # a list style: the definition is the one its style points to
            num_lie, _, _ = self._par_style(lien)
            if num_lie is not None and num_lie in self._listes:
                abstrait = self._listes[num_lie].abstrait
        return abstrait

    def etiquette(self, paragraphe: etree._Element) -> str:
        """The label Word shows before this paragraph ("" when not numbered); counts it."""
        ppr = paragraphe.find(qn("w:pPr"))
        style = _val(ppr, "w:pStyle") or self._style_defaut
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num, niveau_texte = _val(numpr, "w:numId"), _val(numpr, "w:ilvl")
        style_num, style_niveau, style_porteur = self._par_style(style)
        if num is None:
            num = style_num
        if niveau_texte is None:
            niveau_texte = style_niveau
        if num is None or num == "0":
            return ""
        abstrait = self._abstrait(num)
        if abstrait is None or abstrait not in self._abstraits:
            return ""
        if niveau_texte is None and style_porteur is not None:
            niveau_texte = str(self._styles_abstraits[abstrait].get(style_porteur, 0))
        niveau = min(max(_entier(niveau_texte, 0), 0), _NIVEAUX - 1)
        return self._compter(num, abstrait, niveau)

    def _definition(self, num: str, abstrait: str, niveau: int) -> _Niveau:
        return self._listes[num].niveaux.get(niveau) or self._abstraits[abstrait].get(niveau) or _Niveau()

    def _compter(self, num: str, abstrait: str, niveau: int) -> str:
        compteurs = self._compteurs.setdefault(abstrait, [None] * _NIVEAUX)
        if num not in self._instances_vues:
            self._instances_vues.add(num)
            for n, debut in self._listes[num].relances.items():
                if 0 <= n < _NIVEAUX:
                    compteurs[n] = debut - 1
        definition = self._definition(num, abstrait, niveau)
        courant = compteurs[niveau]
        compteurs[niveau] = definition.debut if courant is None else courant + 1
        for inferieur in range(niveau + 1, _NIVEAUX):
            relance = self._definition(num, abstrait, inferieur).relance
            if relance is None or (relance != 0 and niveau + 1 <= relance):
                compteurs[inferieur] = None
        return self._texte(num, abstrait, niveau, definition, compteurs)

    def _texte(self, num: str, abstrait: str, niveau: int, definition: _Niveau, compteurs: list[int | None]) -> str:
        """The level's text with its %1, %2... replaced by the counters, as Word writes it."""
        if definition.format == "none":
            return ""
        if definition.format == "bullet":
            texte = _puce(definition.texte)
        else:
            texte = definition.texte
            for n in range(_NIVEAUX - 1, -1, -1):
                if f"%{n + 1}" in texte:
                    autre = self._definition(num, abstrait, n)
                    valeur = compteurs[n] if compteurs[n] is not None else autre.debut
                    format_ = "decimal" if definition.legal else autre.format
                    texte = texte.replace(f"%{n + 1}", _formater(valeur or 0, format_))
        if not texte:
            return ""
        retrait = "  " * niveau if definition.format == "bullet" else ""
        return retrait + texte + ("" if definition.suffixe == "nothing" else " ")
