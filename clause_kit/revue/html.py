"""``comparer --format html``: one self-contained page, old text on the left and new on the right.

The page has no script, no font, no image and no link to anything: a reviewer opens it
offline, attaches it to a mail or prints it. Unchanged stretches are folded to a few lines
of context; inside a changed line, the words removed and added are marked with ``<del>`` and
``<ins>`` (struck and underlined, so the page reads in black and white too).
"""

from __future__ import annotations

import datetime
from html import escape

from clause_kit.revue.appariement import Appariement
from clause_kit.revue.difference import Paire, ajouts_et_retraits, mots_modifies

__all__ = ["page_html"]

_STYLE = """
body { font-family: "Liberation Sans", Arial, sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 0.92em; }
td { vertical-align: top; padding: 2px 6px; white-space: pre-wrap; word-wrap: break-word; }
td.num { width: 3em; color: #777; text-align: right; }
tr.retire td.ancien, td.ancien.change { background: #fde8e8; }
tr.ajoute td.nouveau, td.nouveau.change { background: #e6f6e6; }
tr.pli td { color: #777; font-style: italic; text-align: center; background: #f4f4f4; }
del { background: #f6b6b6; text-decoration: line-through; }
ins { background: #a9e3a9; text-decoration: underline; }
p.variables { margin: 0.4em 0; } .rien { color: #777; }
"""


def page_html(paires: list[Paire], titre: str, contexte: int = 3) -> str:
    """The whole comparison page (UTF-8 text)."""
    quand = datetime.datetime.now().strftime("%d/%m/%Y %H:%M")
    corps = [f"<h1>{escape(titre)}</h1>", f'<p class="rien">Comparaison faite le {quand} par clause_kit.</p>']
    corps += [f"<p>{escape(ligne)}</p>" for ligne in ajouts_et_retraits(paires)]
    for paire in paires:
        corps += _section(paire, contexte)
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(titre)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(corps)
        + "\n</body>\n</html>\n"
    )


def _section(paire: Paire, contexte: int) -> list[str]:
    sortie = [f"<h2>{escape(paire.nom)}</h2>"]
    if paire.identique:
        return sortie + ['<p class="rien">Texte identique.</p>']
    for libelle, noms in (("retirées", paire.variables_retirees), ("ajoutées", paire.variables_ajoutees)):
        if noms:
            sortie.append(f'<p class="variables">Variables {libelle} : <code>{escape(", ".join(noms))}</code></p>')
    ancien = escape(str(paire.ancien)) if paire.ancien else "(absent)"
    nouveau = escape(str(paire.nouveau)) if paire.nouveau else "(absent)"
    sortie.append(f"<table>\n<tr><th></th><th>{ancien}</th><th></th><th>{nouveau}</th></tr>")
    a, b = paire.lignes_ancien, paire.lignes_nouveau
    for groupe in Appariement(None, a, b, autojunk=False).get_grouped_opcodes(contexte):
        premier = groupe[0]
        if premier[1] > 0 or premier[3] > 0:
            sortie.append(f'<tr class="pli"><td colspan="4">… lignes {premier[1] + 1} et {premier[3] + 1} …</td></tr>')
        for code, i1, i2, j1, j2 in groupe:
            sortie += _lignes(code, a, b, i1, i2, j1, j2)
    sortie.append("</table>")
    return sortie


def _lignes(code: str, a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[str]:
    sortie = []
    for k in range(max(i2 - i1, j2 - j1)):
        gauche = a[i1 + k] if i1 + k < i2 else None
        droite = b[j1 + k] if j1 + k < j2 else None
        if code == "equal":
            sortie.append(_rangee("", i1 + k + 1, escape(gauche or ""), j1 + k + 1, escape(droite or "")))
        elif gauche is not None and droite is not None:
            operations = mots_modifies(gauche, droite)
            vieux = "".join(_balise(o, t, "-", "del") for o, t in operations)
            neuf = "".join(_balise(o, t, "+", "ins") for o, t in operations)
            sortie.append(_rangee("modifie", i1 + k + 1, vieux, j1 + k + 1, neuf))
        elif gauche is not None:
            sortie.append(_rangee("retire", i1 + k + 1, f"<del>{escape(gauche)}</del>", None, ""))
        else:
            sortie.append(_rangee("ajoute", None, "", j1 + k + 1, f"<ins>{escape(droite or '')}</ins>"))
    return sortie


def _balise(operation: str, texte: str, garder: str, nom: str) -> str:
    if operation == "=":
        return escape(texte)
    return f"<{nom}>{escape(texte)}</{nom}>" if operation == garder else ""


def _rangee(classe: str, n1: int | None, gauche: str, n2: int | None, droite: str) -> str:
    change = " change" if classe == "modifie" else ""
    return (
        f'<tr class="{classe}"><td class="num">{n1 or ""}</td><td class="ancien{change}">{gauche}</td>'
        f'<td class="num">{n2 or ""}</td><td class="nouveau{change}">{droite}</td></tr>'
    )
