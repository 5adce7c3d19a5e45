"""The follow-up workbook's package (``fiche-suivi.xlsx``), filled at the zip level like the Word pieces.

Why not openpyxl: it built the workbook cell object by cell object, style object by style
object, then serialised and compressed every part, for every contract: 43 ms a workbook, a
third of ``generer``. Yet almost all of the workbook is the same for every contract: the styles,
the hidden sheet « Listes » and the named ranges over it, the sheet « Codes », the column help
(comments and their VML shapes), the label rows, every validation but the lots'. So:

* the parts that never change are written once per process from the data dictionary
  (``COLONNES``) and the code lists (``codes.yaml``), and compressed once (``_fixes``);
* per contract, only ``xl/worksheets/sheet1.xml`` (identity row, header, lots' validation) and
  ``docProps/core.xml`` (the title) are rendered, by string templating from pieces of XML
  themselves prepared once (``_feuille``), and compressed at the fast level of ``zip_stable``;
* ``zip_stable.assembler`` writes the package: same contract, same bytes (no timestamp, not
  even in the properties: the manifest records when the dossier was generated).

Every text typed in a contract goes through ``commun.tableur.cellule_texte``: an inline string,
escaped for XML, with the quote prefix style when it looks like a formula (issue 21). Styles are
declared once (``_STYLES``), each with a quote-prefix twin at ``+ len(_STYLES)``.

The layout is the one ``classeur_suivi`` documents; the tests reopen the workbook with openpyxl,
python-calamine (the importer's reader) and LibreOffice, and import a filled copy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clause_kit.commun.codes import codes
from clause_kit.commun.formats import nombre, nombre_simple
from clause_kit.commun.ooxml import lettres_colonne
from clause_kit.commun.tableur import cellule_texte, echapper_xml
from clause_kit.commun.zip_stable import NIVEAU_FIXE, Entree, assembler, compresser
from clause_kit.dossier.classeur_suivi import (
    CELLULE_SIRET_TITULAIRE,
    CELLULE_TITULAIRE,
    COLONNES,
    FEUILLE_CODES,
    FEUILLE_LISTES,
    FEUILLE_SUIVI,
    IDENTITE,
    LIGNE_CLES,
    LIGNE_LIBELLES,
    LIGNES_SAISIE,
    lots_avec_clause,
    numero_lot,
)

if TYPE_CHECKING:
    from clause_kit.marche.calcul import Chiffres, HeuresLot
    from clause_kit.marche.modele import Consultation

__all__ = ["construire_classeur", "heures_dues", "preparer_classeur"]

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument"

# Cell formats (cellXfs), by name: (number format, font, fill, locked, alignment). Fonts: 0 the
# default, 1 the title (bold 14), 2 bold. Fills: 2 input (yellow), 3 header (white), 4 labels
# (blue), 5 the reference column (grey). Cells are locked unless said otherwise, as in Excel.
_STYLES: dict[str, tuple[int, int, int, bool, str]] = {
    "defaut": (0, 0, 0, True, ""),
    "reference": (0, 0, 5, True, ""),
    "saisie": (0, 0, 2, False, ""),
    "saisie_texte": (49, 0, 2, False, ""),  # codes and SIRET stay text (leading zeros)
    "saisie_date": (164, 0, 2, False, ""),
    "saisie_mois": (165, 0, 2, False, ""),  # a date Calc or Excel recognises shows as 03/2026
    "entete": (0, 0, 3, True, ""),
    "titre": (0, 1, 3, True, ""),
    "entete_gras": (0, 2, 3, True, ""),
    "libelle": (0, 2, 4, True, '<alignment vertical="center" wrapText="1"/>'),
    "gras": (0, 2, 0, True, ""),
    "definition": (0, 0, 0, True, '<alignment vertical="top" wrapText="1"/>'),
}
_S = {nom: numero for numero, nom in enumerate(_STYLES)}
_CITATION = len(_STYLES)  # offset of the quote-prefix twins
_VUE_SIMPLE = (
    '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
)


def _texte(reference: str, valeur: str, style: str) -> str:
    return cellule_texte(reference, valeur, _S[style], _S[style] + _CITATION)


def _vide(reference: str, style: str) -> str:
    return f'<c r="{reference}" s="{_S[style]}"/>'


def heures_dues(lot: HeuresLot, chiffres: Chiffres) -> str:
    """What the holder owes, as the CCAP says it: never a fixed total where the contract has none.

    An accord-cadre owes hours per 1 000 € ordered (the estimate's total is no debt); a renewable
    contract owes each period's hours only if it is executed; an optional tranche's hours are due
    once it is affermie.
    """
    if lot.heures_par_1000 is not None:
        taux = lot.heures_par_1000
        # French plural from 2: « 1,125 heure », « 2,154 heures ».
        texte = (
            f"{nombre_simple(taux)} heure{'s' if taux >= 2 else ''} par tranche de 1 000 € HT de commandes exécutées"
        )
        if lot.heures_garanties:
            texte += f", dont {nombre(lot.heures_garanties)} heures au titre du minimum de commandes"
        return texte + " ; heures dues de l'année calculées au bilan annuel"
    periodes = [p for p in chiffres.periodes if p.heures]
    if len(periodes) > 1:
        par_periode = " ; ".join(f"période {p.numero} : {nombre(p.heures or 0)} heures" for p in periodes)
        return f"{nombre(lot.heures)} heures ({par_periode}, chacune due si elle est exécutée)"
    if chiffres.tranches:
        return " ; ".join(
            f"{nombre(t.heures)} heures"
            + (" (tranche ferme)" if t.nature == "ferme" else f" si la tranche « {t.libelle} » est affermie")
            for t in chiffres.tranches
        )
    return f"{nombre(lot.heures)} heures"


def preparer_classeur() -> None:
    """Write and compress the parts every workbook shares now (10 ms), e.g. before a batch's workers fork."""
    _fixes()
    _feuille()


def construire_classeur(
    consultation: Consultation, chiffres: Chiffres, designation_facilitateur: str, empreinte_source: str
) -> bytes:
    """The workbook's bytes for one contract (the same bytes for the same arguments)."""
    lots = lots_avec_clause(chiffres)
    marche = consultation.marche
    feuille = _feuille()
    if chiffres.heures_total:
        detail = " ; ".join(
            (f"lot {numero_lot(lot)} « {lot.intitule} » : " if marche.lots else "") + heures_dues(lot, chiffres)
            for lot in lots
        )
    else:
        detail = "celles de la fiche technique du titulaire (critère d'attribution)"
    identite = [
        IDENTITE,
        "reference",
        marche.reference,
        "lots",
        ";".join(str(numero_lot(lot)) for lot in lots),
        "commune",
        consultation.acheteur.commune,
        "empreinte_source",
        empreinte_source,
    ]
    entete = [
        (f"Acheteur : {consultation.acheteur.nom}", "entete_gras"),
        (f"Marché n° {marche.reference} – {marche.objet}", "entete_gras"),
        (f"Heures d'insertion dues : {detail}", "entete"),
        (f"Contact du facilitateur : {designation_facilitateur}", "entete"),
    ]
    numeros = ",".join(str(numero_lot(lot)) for lot in lots)
    xml = "".join(
        (
            feuille.debut,
            _rangee(1, identite, "entete", ' hidden="1"'),
            feuille.titre,
            *(_rangee(rang, [texte], style) for rang, (texte, style) in enumerate(entete, start=3)),
            feuille.milieu,
            _validation(
                "lot", "list", f'"{echapper_xml(numeros)}"', "", f"Lots de ce marché : {numeros}.", "Valeur refusée"
            ),
            feuille.fin,
        )
    )
    titre = echapper_xml(f"Fiche de suivi public – {marche.reference}")
    proprietes = (
        f'{_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{titre}</dc:title><dc:creator>clause_kit</dc:creator></cp:coreProperties>"
    )
    rendues = {
        "docProps/core.xml": compresser("docProps/core.xml", proprietes.encode("utf-8")),
        "xl/worksheets/sheet1.xml": compresser("xl/worksheets/sheet1.xml", xml.encode("utf-8")),
    }
    return assembler(rendues[nom] if entree is None else entree for nom, entree in _fixes())


def _rangee(rang: int, valeurs: list[str], style: str, attributs: str = "") -> str:
    """A header row: the values from column A in ``style``, then every other column locked and white."""
    cellules = [
        _texte(f"{lettres_colonne(numero)}{rang}", valeur, style) for numero, valeur in enumerate(valeurs, start=1)
    ]
    cellules += [_vide(f"{lettres_colonne(n)}{rang}", "entete") for n in range(len(valeurs) + 1, len(COLONNES) + 1)]
    return f'<row r="{rang}"{attributs}>{"".join(cellules)}</row>'


@dataclass(frozen=True)
class _Feuille:
    """The sheet « Suivi » as four strings around the rows and the validation that depend on the contract."""

    debut: str
    titre: str
    milieu: str
    fin: str


def _plage(cle: str) -> str:
    numero = next(i for i, c in enumerate(COLONNES, start=1) if c.cle == cle)
    lettre = lettres_colonne(numero)
    return f"{lettre}{LIGNE_LIBELLES + 1}:{lettre}{LIGNE_LIBELLES + LIGNES_SAISIE}"


def _validation(cle: str, genre: str, formule1: str, formule2: str, erreur: str, titre: str, autres: str = "") -> str:
    """One data validation over the input rows of a column; formulas are given escaped."""
    colonne = next(c for c in COLONNES if c.cle == cle)
    formules = f"<formula1>{formule1}</formula1>" + (f"<formula2>{formule2}</formula2>" if formule2 else "")
    return (
        f'<dataValidation type="{genre}"{autres} allowBlank="1" showInputMessage="1" showErrorMessage="1" '
        f'errorTitle="{echapper_xml(titre)}" error="{echapper_xml(erreur)}" '
        f'promptTitle="{echapper_xml(colonne.libelle[:32])}" prompt="{echapper_xml(colonne.aide[:255])}" '
        f'sqref="{_plage(cle)}">{formules}</dataValidation>'
    )


def _validations_fixes() -> list[str]:
    """Every validation but the lots' (which comes first, rendered per contract)."""
    refus = "Valeur refusée"
    morceaux = [
        _validation(
            "participant", "textLength", "2", "20",
            "Code de 2 à 20 caractères, sans nom ni numéro de sécurité sociale.", refus, ' operator="between"',
        )
    ]  # fmt: skip
    for colonne in COLONNES:
        if colonne.liste is None:
            continue
        formule = f"=liste_{colonne.liste}"  # as the openpyxl builder wrote it, which Excel and Calc read
        # Several publics may be typed, separated by « ; »: the list only proposes, and its message
        # is no refusal (« Valeur refusée » over an accepted value would be false).
        if colonne.cle == "publics":
            erreur = (
                "Valeur hors de la liste : acceptée si ce sont des catégories de la feuille Codes séparées par « ; »."
            )
            morceaux.append(
                _validation(
                    colonne.cle, "list", formule, "", erreur, "Plusieurs catégories ?", ' errorStyle="information"'
                )
            )
            continue
        erreur = "Choisissez une valeur de la liste (voir la feuille Codes)."
        morceaux.append(_validation(colonne.cle, "list", formule, "", erreur, refus))
    morceaux.append(
        _validation("siret_employeur", "textLength", "14", "", "Un SIRET a 14 chiffres.", refus, ' operator="equal"')
    )
    for cle in ("debut_contrat", "fin_contrat"):
        erreur = "Date attendue (JJ/MM/AAAA), entre 2000 et 2099."
        morceaux.append(_validation(cle, "date", "36526", "73051", erreur, refus, ' operator="between"'))
    # The month as typed: « 03/2026 » is no date for a French Calc or Excel (it has no day) and stays
    # text; a date (01/03/2026, or 03/2026 where it is recognised) is accepted too.
    c = _plage("mois").split(":")[0]
    formule = (
        f"OR(AND(ISNUMBER({c}),{c}>=36526,{c}<=73051),AND(LEN({c})=7,"
        f'MID({c},3,1)="/",ISNUMBER(VALUE(LEFT({c},2))),ISNUMBER(VALUE(RIGHT({c},4)))))'
    )
    erreur = "Mois attendu au format MM/AAAA (03/2026), entre 2000 et 2099."
    morceaux.append(_validation("mois", "custom", echapper_xml(formule), "", erreur, refus))
    for cle in ("heures", "heures_formation"):
        erreur = "Nombre d'heures entre 0 et 250 pour le mois."
        morceaux.append(_validation(cle, "decimal", "0", "250", erreur, refus, ' operator="between"'))
    return morceaux


def _style_colonne(cle: str) -> str:
    # A column style unlocks and colours the whole input area without creating its cells; the
    # reference is the sheet's own, not typed: its column stays locked and grey.
    if cle == "reference":
        return "reference"
    if cle in ("debut_contrat", "fin_contrat"):
        return "saisie_date"
    if cle == "mois":
        return "saisie_mois"
    colonne = next(c for c in COLONNES if c.cle == cle)
    if colonne.liste is None and cle not in ("lot", "heures", "heures_formation"):
        return "saisie_texte"
    return "saisie"


# Sheet protection without a password: it guards against slips, not against the company.
# Each attribute set to 1 forbids the action; columns may be resized on « Suivi ».
_PROTECTION = (
    '<sheetProtection sheet="1" objects="0" scenarios="0" selectLockedCells="0" selectUnlockedCells="0" '
    'formatCells="1" formatColumns="{colonnes}" formatRows="1" insertColumns="1" insertRows="1" '
    'insertHyperlinks="1" deleteColumns="1" deleteRows="1" sort="1" autoFilter="1" pivotTables="1"/>'
)


@functools.cache
def _feuille() -> _Feuille:
    """The sheet « Suivi » but what depends on the contract, prepared once per process."""
    derniere = lettres_colonne(len(COLONNES))
    colonnes = "".join(
        f'<col min="{n}" max="{n}" width="{c.largeur}" customWidth="1" style="{_S[_style_colonne(c.cle)]}"/>'
        for n, c in enumerate(COLONNES, start=1)
    )
    debut = (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{derniere}{LIGNE_LIBELLES}"/>'
        f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{LIGNE_LIBELLES}" '
        f'topLeftCell="A{LIGNE_LIBELLES + 1}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{LIGNE_LIBELLES + 1}" sqref="A{LIGNE_LIBELLES + 1}"/>'
        '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"<cols>{colonnes}</cols><sheetData>"
    )
    titre = _rangee(2, ["Fiche de suivi public – clause d'insertion"], "titre")
    validations = _validations_fixes()
    rang_titulaire, colonne_titulaire = CELLULE_TITULAIRE
    titulaire = []
    for numero in range(1, len(COLONNES) + 1):
        reference = f"{lettres_colonne(numero)}{rang_titulaire}"
        if numero == 1:
            titulaire.append(_texte(reference, "Titulaire (raison sociale) :", "entete_gras"))
        elif numero == CELLULE_SIRET_TITULAIRE[1] - 2:
            titulaire.append(_texte(reference, "SIRET du titulaire :", "entete_gras"))
        elif numero in (colonne_titulaire, CELLULE_SIRET_TITULAIRE[1]):
            titulaire.append(_vide(reference, "saisie_texte"))  # typed by the company
        else:
            titulaire.append(_vide(reference, "entete"))
    consigne = (
        "Une ligne par personne et par mois, dans la zone jaune. Aucun nom, prénom ni numéro de sécurité sociale "
        "(RGPD) : seulement le code donné par le facilitateur. Personne sur un lot un mois : une ligne avec le "
        "lot, « néant » comme code et le mois. Les listes et l'aide de chaque colonne s'affichent en "
        "sélectionnant une cellule ; la feuille « Codes » explique chaque code."
    )
    # The header is locked and white even where it is empty: every cell is styled explicitly, or it
    # would take the column's style (unlocked, the input colour) in Excel and Calc.
    milieu = "".join(
        (
            f'<row r="{rang_titulaire}">{"".join(titulaire)}</row>',
            _rangee(8, [consigne], "entete"),
            _rangee(9, [], "entete"),
            _rangee(LIGNE_CLES, [c.cle for c in COLONNES], "entete", ' hidden="1"'),
            f'<row r="{LIGNE_LIBELLES}" ht="32" customHeight="1">',
            *(
                _texte(f"{lettres_colonne(n)}{LIGNE_LIBELLES}", c.libelle, "libelle")
                for n, c in enumerate(COLONNES, start=1)
            ),
            "</row></sheetData>",
            _PROTECTION.format(colonnes=0),
            f'<dataValidations count="{1 + len(validations)}">',  # the lots' comes first
        )
    )
    fin = (
        f"{''.join(validations)}</dataValidations>"
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        '<pageSetup orientation="landscape" fitToWidth="1"/><legacyDrawing r:id="rId2"/></worksheet>'
    )
    return _Feuille(debut, titre, milieu, fin)


def _listes() -> tuple[str, str]:
    """The hidden sheet of drop-down values (French labels) and the named ranges over it, one per list."""
    listes = [c.liste for c in COLONNES if c.liste is not None]
    colonnes = []
    noms = []
    for numero, liste in enumerate(listes, start=1):
        lettre = lettres_colonne(numero)
        valeurs = [liste, *(code.libelle for code in codes(liste))]
        colonnes.append([_texte(f"{lettre}{rang}", v, "defaut") for rang, v in enumerate(valeurs, start=1)])
        noms.append(
            f'<definedName name="liste_{liste}">{FEUILLE_LISTES}!${lettre}$2:${lettre}${len(valeurs)}</definedName>'
        )
    hauteur = max(len(c) for c in colonnes)
    rangees = "".join(
        f'<row r="{rang}">{"".join(c[rang - 1] for c in colonnes if rang <= len(c))}</row>'
        for rang in range(1, hauteur + 1)
    )
    feuille = (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{lettres_colonne(len(listes))}{hauteur}"/>'
        f"{_VUE_SIMPLE}<sheetData>{rangees}</sheetData>{_PROTECTION.format(colonnes=1)}</worksheet>"
    )
    return feuille, "".join(noms)


def _codes() -> str:
    """A visible, locked sheet explaining each code: what the drop-down label means."""
    entetes = ["Colonne", "Libellé (liste déroulante)", "Code (fichiers CSV)", "Définition"]
    rangees = [f'<row r="1">{"".join(_texte(f"{c}1", e, "gras") for c, e in zip("ABCD", entetes, strict=True))}</row>']
    for colonne in COLONNES:
        if colonne.liste is None:
            continue
        for code in codes(colonne.liste):
            r = len(rangees) + 1
            cellules = [
                _texte(f"{c}{r}", v, "defaut")
                for c, v in zip("ABC", (colonne.libelle, code.libelle, code.cle), strict=True)
            ]
            cellules.append(
                _texte(f"D{r}", code.description, "definition") if code.description else _vide(f"D{r}", "definition")
            )
            rangees.append(f'<row r="{r}">{"".join(cellules)}</row>')
    largeurs = "".join(
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>' for n, w in enumerate((24, 48, 24, 90), start=1)
    )
    return (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="A1:D{len(rangees)}"/>'
        f"{_VUE_SIMPLE}<cols>{largeurs}</cols><sheetData>{''.join(rangees)}</sheetData>{_PROTECTION.format(colonnes=1)}</worksheet>"
    )


def _styles() -> str:
    xfs = []
    for citation in ("", ' quotePrefix="1"'):
        for format_, police, remplissage, verrouillee, alignement in _STYLES.values():
            attributs = f'numFmtId="{format_}" fontId="{police}" fillId="{remplissage}" borderId="0" xfId="0"'
            attributs += citation
            attributs += ' applyNumberFormat="1"' if format_ else ""
            attributs += ' applyFont="1"' if police else ""
            attributs += ' applyFill="1"' if remplissage else ""
            attributs += ' applyAlignment="1"' if alignement else ""
            interieur = alignement + ("" if verrouillee else '<protection locked="0"/>')
            attributs += "" if verrouillee else ' applyProtection="1"'
            xfs.append(f"<xf {attributs}>{interieur}</xf>" if interieur else f"<xf {attributs}/>")
    remplissages = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="00{couleur}"/><bgColor indexed="64"/>'
        "</patternFill></fill>"
        for couleur in ("FFF2CC", "FFFFFF", "D9E1F2", "EDEDED")
    )
    return (
        f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/>'
        '<numFmt numFmtId="165" formatCode="MM/YYYY"/></numFmts>'
        '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="6"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        f"{remplissages}</fills>"
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def _commentaires() -> tuple[str, str]:
    """Each column's input help on its label, and the VML shapes Excel needs to show them."""
    commentaires = "".join(
        f'<comment ref="{lettres_colonne(n)}{LIGNE_LIBELLES}" authorId="0"><text><t>{echapper_xml(c.aide)}</t></text>'
        "</comment>"
        for n, c in enumerate(COLONNES, start=1)
    )
    formes = "".join(
        f'<v:shape id="_x0000_s{1025 + n}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
        'margin-top:1.5pt;width:144pt;height:79pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
        'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:AutoFill>False</x:AutoFill><x:Row>{LIGNE_LIBELLES - 1}</x:Row><x:Column>{n - 1}</x:Column>"
        "</x:ClientData></v:shape>"
        for n in range(1, len(COLONNES) + 1)
    )
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/>'
        '</o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" '
        f'o:connecttype="rect"/></v:shapetype>{formes}</xml>'
    )
    return (
        f'{_DECLARATION}<comments xmlns="{_MAIN}"><authors><author>clause_kit</author></authors>'
        f"<commentList>{commentaires}</commentList></comments>",
        vml,
    )


@functools.cache
def _fixes() -> tuple[tuple[str, Entree | None], ...]:
    """Every part in package order, compressed once; None for the two parts rendered per contract."""
    listes, noms = _listes()
    commentaires, vml = _commentaires()
    feuilles = ((FEUILLE_SUIVI, ""), (FEUILLE_LISTES, ' state="hidden"'), (FEUILLE_CODES, ""))
    remplacement = f"{_TYPE}.spreadsheetml"
    parties: dict[str, str | None] = {
        "[Content_Types].xml": (
            f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Default Extension="vml" ContentType="{_TYPE}.vmlDrawing"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{remplacement}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{remplacement}.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{remplacement}.worksheet+xml"/>'
                for n in (1, 2, 3)
            )
            + f'<Override PartName="/xl/comments1.xml" ContentType="{remplacement}.comments+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{_TYPE}.extended-properties+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'
        ),
        "docProps/app.xml": (
            f'{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>clause_kit</Application></Properties>"
        ),
        "docProps/core.xml": None,
        "xl/workbook.xml": (
            f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
            + "".join(
                f'<sheet name="{nom}" sheetId="{n}"{etat} r:id="rId{n}"/>' for n, (nom, etat) in enumerate(feuilles, 1)
            )
            + f"</sheets><definedNames>{noms}</definedNames></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in (1, 2, 3)
            )
            + f'<Relationship Id="rId4" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _styles(),
        "xl/worksheets/sheet1.xml": None,
        "xl/worksheets/_rels/sheet1.xml.rels": (
            f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/comments" Target="../comments1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/></Relationships>'
        ),
        "xl/worksheets/sheet2.xml": listes,
        "xl/worksheets/sheet3.xml": _codes(),
        "xl/comments1.xml": commentaires,
        "xl/drawings/vmlDrawing1.vml": vml,
    }
    return tuple(
        (nom, None if xml is None else compresser(nom, xml.encode("utf-8"), NIVEAU_FIXE))
        for nom, xml in parties.items()
    )
