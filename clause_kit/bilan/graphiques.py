"""The report's charts: functions that take numbers and labels and return a PNG at print quality.

matplotlib with its Agg backend (no display, no window), imported only when a chart is drawn.
French labels, numbers written by ``clause_kit.commun.formats`` (« 1 607 » with a narrow no-break
space, decimal comma). A hidden cell of a published table (« < 5 ») has no bar: its label says
« < 5 » instead of a value, so a chart never shows what the table hides. Charts are tested by
what they are given and what they return (a PNG of the expected size), never by pixels.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from clause_kit.bilan.nombres import ecrire

__all__ = ["DPI", "HAUTEUR_MAX_CM", "LARGEUR_CM", "barres", "courbe_mensuelle", "frise_parcours", "taille_cm"]

#: Print quality.
DPI = 200
#: The width of the text block of an A4 page with 2 cm margins.
LARGEUR_CM = 16.0
#: The tallest a chart may be on that page (with a heading above it).
HAUTEUR_MAX_CM = 22.0
_BLEU, _ORANGE, _GRIS = "#1F3864", "#C55A11", "#A6A6A6"
_COULEURS = ["#1F3864", "#C55A11", "#548235", "#7F6000", "#7030A0", "#2E75B6", "#BF9000", "#A6A6A6", "#833C0B"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # A buyer named in Chinese or with an emoji has letters the font lacks: drawn as boxes, and
    # matplotlib's English warning, once per glyph, has nothing to tell a facilitator.
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _texte(valeur: float | int) -> str:
    decimal = Decimal(str(valeur))
    return ecrire(decimal, 0 if decimal == decimal.to_integral_value() else 1)


def _png(figure: Any) -> bytes:
    # The margins are set by ``_marges``: « bbox_inches="tight" » drew every chart twice (once
    # to measure it), a third of the charts' time.
    tampon = io.BytesIO()
    figure.savefig(tampon, format="png", dpi=DPI, metadata={"Software": None})
    _pyplot().close(figure)
    return tampon.getvalue()


def _largeur_textes(figure: Any, textes: Sequence[str], taille: float) -> float:
    """The width of the longest of ``textes`` at font size ``taille``, in inches (measured, not drawn)."""
    from matplotlib.font_manager import FontProperties

    rendu = figure.canvas.get_renderer()
    police = FontProperties(size=taille)
    largeurs = [rendu.get_text_width_height_descent(t, police, ismath=False)[0] for t in textes]
    return max(largeurs, default=0) / figure.dpi


def _marges(figure: Any, gauche: float, bas: float, haut: float = 0.35, droite: float = 0.15) -> None:
    """Margins around the axes, in inches: room for the tick labels, the title, the legend."""
    largeur, hauteur = figure.get_size_inches()
    figure.subplots_adjust(
        left=min(0.7, gauche / largeur),
        right=1 - droite / largeur,
        bottom=min(0.6, bas / hauteur),
        top=1 - haut / hauteur,
    )


def taille_cm(png: bytes) -> tuple[float, float]:
    """Width and height of a PNG printed at ``DPI``, in centimetres (read from its header)."""
    largeur, hauteur = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return largeur / DPI * 2.54, hauteur / DPI * 2.54


def barres(libelles: Sequence[str], valeurs: Sequence[float | int | str], titre: str, unite: str) -> bytes:
    """Horizontal bars, one per label, its value written at its end; a text value (« < 5 ») draws no bar."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    hauteur = max(1.6, 0.32 * len(libelles) + 0.8)
    figure, axe = plt.subplots(figsize=(LARGEUR_CM / 2.54, hauteur))
    nombres = [v if isinstance(v, int | float) else 0 for v in valeurs]
    positions = list(range(len(libelles)))[::-1]
    axe.barh(positions, nombres, color=_BLEU, height=0.6)
    maximum = max(nombres, default=0) or 1
    etiquettes = [valeur if isinstance(valeur, str) else _texte(valeur) for valeur in valeurs]
    courts = [_court(x) for x in libelles]
    axe.set_yticks(positions, courts)
    axe.xaxis.set_major_locator(MaxNLocator(nbins=5))
    axe.xaxis.set_major_formatter(lambda x, _: _texte(x))
    axe.set_xlabel(unite)
    # The title over the whole figure, not over the axes: a long label pushes the axes right.
    figure.suptitle(titre, x=0.01, y=0.99, ha="left", va="top", fontsize=10, fontweight="bold")
    _marges(figure, gauche=_largeur_textes(figure, courts, 9) + 0.2, bas=0.5)
    # Room for the value written after the longest bar, measured: it must not leave the picture.
    gauche, droite = figure.subplotpars.left, figure.subplotpars.right
    largeur_axe = figure.get_size_inches()[0] * (droite - gauche)
    part = min(0.5, (_largeur_textes(figure, etiquettes, 8) + 0.15) / largeur_axe)
    axe.set_xlim(0, maximum / (1 - part))
    for position, valeur, etiquette in zip(positions, valeurs, etiquettes, strict=True):
        x = valeur if isinstance(valeur, int | float) else 0
        axe.text(x + maximum * 0.01, position, etiquette, va="center", fontsize=8)
    return _png(figure)


def _court(texte: str, longueur: int = 40) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


def courbe_mensuelle(mois: Sequence[str], heures: Sequence[float | int], titre: str) -> bytes:
    """Hours per month as bars, months on the axis as « 01/2008 »."""
    plt = _pyplot()
    figure, axe = plt.subplots(figsize=(LARGEUR_CM / 2.54, 2.6))
    axe.bar(range(len(mois)), heures, color=_BLEU, width=0.8)
    pas = max(1, len(mois) // 12)
    axe.set_xticks(range(0, len(mois), pas), [f"{m[5:]}/{m[:4]}" for m in mois[::pas]], rotation=45, fontsize=7)
    axe.yaxis.set_major_formatter(lambda x, _: _texte(x))
    axe.set_ylabel("heures")
    axe.set_title(titre, loc="left", fontsize=10, fontweight="bold")
    plus_haut = _texte(max(heures, default=0) * 1.1)
    _marges(figure, gauche=_largeur_textes(figure, [plus_haut], 9) + 0.4, bas=0.6)
    return _png(figure)


def frise_parcours(
    personnes: Sequence[tuple[str, Sequence[tuple[str, str, str]]]], legendes: dict[str, str], titre: str
) -> bytes:
    """Each person's work contracts on a timeline: (code, [(first month, last month, kind)...]), one colour per kind."""
    plt = _pyplot()
    tous = sorted({m for _, contrats in personnes for debut, fin, _ in contrats for m in (debut, fin)})
    if not tous:
        tous = ["2000-01"]
    origine = int(tous[0][:4]) * 12 + int(tous[0][5:]) - 1

    def rang(mois: str) -> int:
        return int(mois[:4]) * 12 + int(mois[5:]) - 1 - origine

    hauteur = max(1.8, 0.13 * len(personnes) + 1.2)  # 60 people still fit on a page with the title
    figure, axe = plt.subplots(figsize=(LARGEUR_CM / 2.54, hauteur))
    couleurs = {genre: _COULEURS[i % len(_COULEURS)] for i, genre in enumerate(legendes)}
    # One call for every bar: a call per contract made the timeline of 60 people twice as slow.
    barres_ = [
        (position, rang(fin) - rang(debut) + 1, rang(debut), couleurs.get(genre, _GRIS))
        for position, (_, contrats) in enumerate(reversed(personnes))
        for debut, fin, genre in contrats
    ]
    if barres_:
        positions, longueurs, departs, teintes = zip(*barres_, strict=True)
        axe.barh(positions, longueurs, left=departs, height=0.6, color=teintes)
    axe.set_yticks(range(len(personnes)), [code for code, _ in reversed(personnes)], fontsize=5)
    fin_axe = rang(tous[-1]) + 1
    annees = [
        a * 12 - origine for a in range(int(tous[0][:4]), int(tous[-1][:4]) + 2) if 0 <= a * 12 - origine <= fin_axe
    ]
    axe.set_xticks(annees, [str((origine + x) // 12) for x in annees])
    axe.set_xlim(0, fin_axe)
    poignees = [plt.Rectangle((0, 0), 1, 1, color=couleurs[g]) for g in legendes]
    # The legend at the foot of the figure, below the years: room is kept for its rows.
    rangs_legende = -(-len(legendes) // 4)
    figure.legend(poignees, list(legendes.values()), fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 0.02), ncol=4)
    axe.set_title(titre, loc="left", fontsize=10, fontweight="bold")
    codes = [code for code, _ in personnes]
    _marges(figure, gauche=_largeur_textes(figure, codes, 5) + 0.15, bas=0.4 + 0.2 * rangs_legende, droite=0.3)
    return _png(figure)
