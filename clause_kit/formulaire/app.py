"""The Starlette application of the form: routes only, each calling the core like ``cli.py`` does.

Stateless: every page carries the whole contract in its fields, every action posts them all;
what a page posts is also kept as its draft (``brouillons``), so that nothing typed is lost.
Pages are rendered on the server (Jinja2, autoescaped); a few lines of JavaScript add the
steps, the list rows and the live check, and the form still works without them.

A page from an earlier run of the server carries a token this one does not know: its request
is answered with the form again, as posted, with a fresh token and a notice; nothing is
written or generated until the officer sends it again.
"""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from clause_kit.commun.erreurs import ClauseKitError, ErreursValidation, Probleme
from clause_kit.commun.formats import nombre, slug
from clause_kit.commun.journal import journal, signaler
from clause_kit.formulaire import brouillons, depot
from clause_kit.formulaire.apercu import fichier_isole, verifier_donnees
from clause_kit.formulaire.borne import INCONNUES_MAX, MESSAGES_MAX, Inconnues, cles_inconnues
from clause_kit.formulaire.champs import LIBELLES_RESERVE, arbre, genres, texte_de, valeur_a
from clause_kit.formulaire.dispositif import (
    METIERS,
    METIERS_AVEC_TAUX,
    metier_du_cpv,
    metiers_des_lots,
    recommander,
)
from clause_kit.formulaire.etapes import Placement, placer, repartir
from clause_kit.formulaire.generation import generer_archive, libreoffice_present
from clause_kit.formulaire.panneau import panneau
from clause_kit.formulaire.saisie import lire_saisie, montant_saisi
from clause_kit.formulaire.schema import schema_json
from clause_kit.formulaire.securite import CORPS_MAX, Garde, jeton_valide, nouveau_jeton
from clause_kit.formulaire.yaml_sortie import ecrire_yaml, fusion_communes
from clause_kit.marche.chargement import TAILLE_MAX, charger_detail, lire_avec_defauts, lire_yaml
from clause_kit.marche.droit import RESERVES

__all__ = ["creer_application"]

_ICI = Path(__file__).parent


@dataclass
class _Etat:
    """What the routes share: DOSSIER, the CSRF token, the templates, the generation lock."""

    dossier: Path
    jeton: str
    pages: Jinja2Templates
    aujourd_hui: datetime.date | None = None
    verrou: asyncio.Lock = field(default_factory=asyncio.Lock)


def creer_application(dossier: Path, port: int, *, aujourd_hui: datetime.date | None = None) -> Garde:
    """The form's web application for DOSSIER, to be served on 127.0.0.1:``port`` only."""
    environnement = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_ICI / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    etat = _Etat(dossier, nouveau_jeton(), Jinja2Templates(env=environnement), aujourd_hui)
    # Every action answers GET too: going back to (or reloading) the page an action returned
    # asks for it again without its fields; the home page then says where the work is.
    actions = ["GET", "POST"]
    routes = [
        Route("/", _avec(etat, accueil)),
        Route("/nouveau", _avec(etat, nouveau, _PERIME_ACCUEIL), methods=actions),
        Route("/ouvrir", _avec(etat, ouvrir)),
        Route("/brouillon", _avec(etat, reprendre_brouillon)),
        Route("/supprimer-brouillon", _avec(etat, supprimer_brouillon, _PERIME_ACCUEIL), methods=actions),
        Route("/televerser", _avec(etat, televerser, _PERIME_ACCUEIL), methods=actions),
        Route("/formulaire", _avec(etat, reafficher, _PERIME_PAGE), methods=actions),
        Route("/commune", _avec(etat, reprendre_commune, _PERIME_PAGE), methods=actions),
        Route("/apercu", _avec(etat, apercu, _PERIME_JSON), methods=actions),
        Route("/yaml", _avec(etat, telecharger_yaml, _PERIME_PAGE), methods=actions),
        Route("/enregistrer", _avec(etat, enregistrer, _PERIME_PAGE), methods=actions),
        Route("/generer", _avec(etat, generer, _PERIME_PAGE), methods=actions),
        Route("/schema.json", _avec(etat, schema)),
        Mount("/static", StaticFiles(directory=_ICI / "static"), name="static"),
    ]
    application = Starlette(routes=routes, exception_handlers={HTTPException: _refus, Exception: _inattendue})
    hotes = {f"127.0.0.1:{port}", f"localhost:{port}"}
    return Garde(application, hotes, {f"http://{h}" for h in hotes}, CORPS_MAX)


#: Most fields a page may post (a contract of 500 lots has far fewer).
CHAMPS_MAX = 20_000

#: What a request carrying a token of an earlier run gets: the home page, the form as posted, or JSON.
_PERIME_ACCUEIL, _PERIME_PAGE, _PERIME_JSON = "accueil", "page", "json"

#: The notice shown with the form re-displayed after a restart of the server.
AVIS_PERIME = (
    "Cette page venait d'une session précédente du formulaire (le serveur a redémarré depuis) : "
    "votre saisie est reprise ci-dessous, mais rien n'a été enregistré, téléchargé ni généré. "
    "Vérifiez-la, puis refaites votre action."
)
#: The notice of the home page when an action's address is opened without its form (back, reload).
AVIS_RETOUR = (
    "Cette page est le résultat d'une action du formulaire et ne peut pas être rouverte telle quelle "
    "(retour arrière ou rechargement). Votre saisie est gardée : reprenez-la dans « Brouillons » ci-dessous."
)


class JetonPerime(Exception):  # noqa: N818 - a request to answer differently, not an error
    """Raised by ``_formulaire`` when the posted token is not this server's (a page of an earlier run)."""

    def __init__(self, formulaire: FormData) -> None:
        super().__init__("jeton de formulaire absent ou périmé")
        self.formulaire = formulaire


def _avec(etat: _Etat, route: Any, perime: str = "") -> Any:
    async def point_d_entree(request: Request) -> Response:
        if perime and request.method != "POST":
            return await accueil(request, etat, AVIS_RETOUR, avis=True)
        try:
            return await route(request, etat)  # type: ignore[no-any-return]
        except JetonPerime as err:
            return await _repondre_perime(request, etat, perime, err.formulaire)

    point_d_entree.__name__ = route.__name__
    return point_d_entree


async def _repondre_perime(request: Request, etat: _Etat, perime: str, formulaire: FormData) -> Response:
    """The answer to a page of an earlier run: its input back, the fresh token, and nothing done."""
    if perime == _PERIME_JSON or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"perime": True, "jeton": etat.jeton, "message": AVIS_PERIME}, status_code=409)
    if perime == _PERIME_ACCUEIL:
        return await accueil(
            request,
            etat,
            AVIS_PERIME.split(" : ", 1)[0] + " : rien n'a été fait. Refaites votre action.",
            409,
            avis=True,
        )
    paires = _paires(formulaire)
    return _page(
        request,
        etat,
        lire_saisie(paires),
        ouvert=str(formulaire.get("_fichier") or ""),
        brouillon=str(formulaire.get("_brouillon_id") or ""),
        strict=formulaire.get("_brouillon") != "1",
        message=AVIS_PERIME,
        avis=True,
        statut=409,
    )


_MESSAGES_HTTP = {404: "page introuvable", 405: "action non permise à cette adresse"}


async def _refus(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    texte = (
        _MESSAGES_HTTP.get(exc.status_code, exc.detail)
        if exc.detail in ("Not Found", "Method Not Allowed")
        else exc.detail
    )
    return PlainTextResponse(f"{texte} (revenez à l'accueil du formulaire : /)", status_code=exc.status_code)


async def _inattendue(request: Request, exc: Exception) -> Response:
    texte = signaler(exc, f"{request.method} {request.url.path}")
    return PlainTextResponse(texte, status_code=500)


async def _formulaire(request: Request, etat: _Etat) -> FormData:
    """The posted form, once its CSRF token is checked (``JetonPerime`` if not); its draft kept."""
    try:
        formulaire = await request.form(max_files=1, max_fields=CHAMPS_MAX, max_part_size=CORPS_MAX)
    except HTTPException as err:  # Starlette's own refusals are in English
        raise HTTPException(
            err.status_code, f"requête refusée : formulaire illisible ou de plus de {nombre(CHAMPS_MAX)} champs"
        ) from err
    if not jeton_valide(formulaire.get("_jeton"), etat.jeton):
        raise JetonPerime(formulaire)
    identifiant = formulaire.get("_brouillon_id")
    if brouillons.identifiant_valide(identifiant):
        assert isinstance(identifiant, str)
        try:
            brouillons.garder(etat.dossier, identifiant, _paires(formulaire), str(formulaire.get("_fichier") or ""))
        except ClauseKitError as err:  # a draft must never stop the work: the journal keeps why
            journal.warning("%s", err)
    return formulaire


def _paires(formulaire: FormData) -> list[tuple[str, str]]:
    return metiers_des_lots([(k, v) for k, v in formulaire.multi_items() if isinstance(v, str)])


# --- first screen --------------------------------------------------------------------


async def accueil(
    request: Request, etat: _Etat, message: str = "", statut: int = 200, *, avis: bool = False
) -> Response:
    """« Quel dispositif ? », the drafts and contracts of DOSSIER to resume, and the upload of a file.

    ``avis``: the message is a notice (nothing went wrong), not an error.
    """
    question = dict(request.query_params)
    conseil, erreur = None, ""
    if question.get("type") in ("travaux", "services", "fournitures"):
        conseil, erreur = _conseiller(question)
    return etat.pages.TemplateResponse(
        request,
        "accueil.html",
        {
            "jeton": etat.jeton,
            "question": question,
            "conseil": conseil,
            "erreur_question": erreur,
            "metiers": [(cle, m.libelle) for cle, m in METIERS.items()],
            "reserves": list(LIBELLES_RESERVE.items()),
            "fichiers": depot.fichiers(etat.dossier),
            "brouillons": brouillons.lister(etat.dossier),
            "brouillons_max": brouillons.NOMBRE_MAX,
            "dossier": str(etat.dossier),
            "message": message,
            "avis": avis,
            "taille_max": TAILLE_MAX // 1000,
        },
        status_code=statut,
    )


def _conseiller(question: dict[str, str]) -> tuple[Any, str]:
    montant_ht = montant_saisi(question.get("montant", ""))
    if montant_ht is None:
        return None, "montant HT attendu en euros, au plus deux décimales (ex. 1 250 000,50)"
    metier = question.get("metier") or metier_du_cpv(question.get("cpv", "")) or "autre"
    duree = question.get("duree", "").strip()
    mois = int(duree) if duree.isascii() and duree.isdigit() and 0 < len(duree) <= 3 and int(duree) > 0 else None
    return recommander(question["type"], montant_ht, metier, duree_mois=mois), ""


async def nouveau(request: Request, etat: _Etat) -> Response:
    """A new contract, from the first screen's answers: tools, the trade's labour share, reservation."""
    formulaire = await _formulaire(request, etat)
    marche: dict[str, Any] = {}
    for cle, nom in (("type", "type"), ("montant_ht", "montant"), ("cpv", "cpv"), ("duree_mois", "duree")):
        valeur = str(formulaire.get(nom) or "").strip()
        if valeur:
            marche[cle] = valeur
    reserve = str(formulaire.get("reserve") or "")
    if reserve in RESERVES:
        marche["reserve"] = reserve
    choix = str(formulaire.get("choix") or "article_14")
    insertion: dict[str, Any] = {}
    if choix in ("article_14", "les_deux"):
        # The trade's labour share (painting 70 %...) rather than the type's default: every lot takes it,
        # unless the officer gives a lot its own.
        metier = METIERS.get(
            str(formulaire.get("metier") or "") or metier_du_cpv(str(formulaire.get("cpv") or "")) or "autre"
        )
        taux = metier.taux_main_oeuvre if metier is not None else None
        insertion["article_14"] = {"taux_main_oeuvre": str(taux)} if taux is not None else {}
    if choix in ("article_53", "les_deux"):
        insertion["article_53"] = {}
    donnees = lire_saisie(_aplatir({"marche": marche, "insertion": insertion}))
    return _page(request, etat, donnees, montrer_erreurs=False)


def _aplatir(donnees: dict[str, Any], prefixe: str = "") -> list[tuple[str, str]]:
    """Nested data → the (name, value) pairs a page would post (blocks marked present)."""
    paires: list[tuple[str, str]] = []
    for cle, valeur in donnees.items():
        nom = f"{prefixe}{cle}"
        if isinstance(valeur, dict):
            paires.append((f"@{nom}", "1"))
            paires += _aplatir(valeur, nom + ".")
        else:
            paires.append((nom, str(valeur)))
    return paires


# --- opening ---------------------------------------------------------------------------


async def ouvrir(request: Request, etat: _Etat) -> Response:
    """Edit a contract file of DOSSIER: its values (with its commune's) and the command line's messages."""
    relatif = request.query_params.get("fichier", "")
    try:
        chemin = depot.fichier_a_ouvrir(etat.dossier, relatif)
        donnees = lire_avec_defauts(chemin, etat.dossier).donnees
    except ClauseKitError as err:
        return await accueil(request, etat, str(err), 422)
    return _page(request, etat, donnees, problemes=_problemes(chemin), ouvert=relatif)


def _problemes(chemin: Path, nom: str | None = None) -> list[Probleme]:
    """The problems ``verifier`` reports for a file (named ``nom`` in messages, when given)."""
    try:
        charger_detail(chemin, strict=True)  # as generer: the summary must not promise more
    except ErreursValidation as err:
        if nom is None:
            return err.problemes
        return [Probleme(p.fichier.replace(str(chemin), nom), p.ligne, p.champ, p.message) for p in err.problemes]
    return []


async def reprendre_brouillon(request: Request, etat: _Etat) -> Response:
    """The form as its draft left it: the same pairs, the same file opened, the same draft name."""
    identifiant = request.query_params.get("id", "")
    try:
        paires, ouvert = brouillons.lire(etat.dossier, identifiant)
    except ClauseKitError as err:
        return await accueil(request, etat, f"Brouillon non repris : {err}", 404)
    return _page(request, etat, lire_saisie(paires), ouvert=ouvert, brouillon=identifiant)


async def supprimer_brouillon(request: Request, etat: _Etat) -> Response:
    """Delete a draft, on the officer's request, and show the home page again."""
    formulaire = await _formulaire(request, etat)
    try:
        fait = brouillons.supprimer(etat.dossier, str(formulaire.get("id") or ""))
    except ClauseKitError as err:
        return await accueil(request, etat, f"Brouillon non supprimé : {err}", 422)
    return await accueil(
        request, etat, "Brouillon supprimé." if fait else "Ce brouillon était déjà supprimé.", avis=True
    )


async def televerser(request: Request, etat: _Etat) -> Response:
    """Edit a YAML file sent from the officer's computer; a bad or hostile one gets the loader's message."""
    formulaire = await _formulaire(request, etat)
    envoi = formulaire.get("fichier")
    if not isinstance(envoi, UploadFile):
        return await accueil(request, etat, "aucun fichier choisi", 422)
    nom = Path(envoi.filename or "").name or "fichier.yaml"
    contenu = await envoi.read(TAILLE_MAX + 1)  # one byte more: the loader then says it is too big
    inconnues = cles_inconnues(contenu, set(genres())) if len(contenu) <= TAILLE_MAX else None
    if inconnues is not None and inconnues.nombre > INCONNUES_MAX:
        return await accueil(request, etat, _message_inconnues(nom, inconnues), 422)
    with fichier_isole(contenu, "televerse.yaml") as chemin:
        try:
            donnees, _ = lire_yaml(chemin)
        except ErreursValidation as err:
            message = "\n".join(str(p).replace(str(chemin), nom) for p in err.problemes[:MESSAGES_MAX])
            if len(err.problemes) > MESSAGES_MAX:
                message += f"\n… et {len(err.problemes) - MESSAGES_MAX} autres problèmes."
            return await accueil(request, etat, message, 422)
        problemes = _problemes(chemin, nom)
    return _page(request, etat, donnees, problemes=problemes)


def _message_inconnues(nom: str, inconnues: Inconnues) -> str:
    lignes = [f"{nom}:{ligne}: {cle} : clé inconnue d'un fichier de marché" for cle, ligne in inconnues.premieres]
    reste = inconnues.nombre - len(inconnues.premieres)
    return "\n".join(
        [
            f"{nom} : fichier refusé, {nombre(inconnues.nombre)} clés inconnues (ce n'est pas un fichier de "
            f"marché, ou il a été abîmé) ; les {len(inconnues.premieres)} premières :",
            *lignes,
            *([f"… et {nombre(reste)} autres."] if reste else []),
        ]
    )


# --- the form --------------------------------------------------------------------------


def _erreurs(placement: Placement) -> list[dict[str, str]]:
    """The messages as the summary and the live panel list them: the field's French name, its step, a link.

    At most ``MESSAGES_MAX`` (a file of 60 000 mistakes must not make a page of megabytes);
    ``placement.liste`` keeps the count.
    """
    return [
        {"champ": nom, "etape": etape, "message": message, "cible": cible, "chemin": chemin}
        for (chemin, message, cible), (nom, etape) in zip(
            placement.liste[:MESSAGES_MAX], placement.noms[:MESSAGES_MAX], strict=True
        )
    ]


def _page(
    request: Request,
    etat: _Etat,
    donnees: dict[str, Any],
    *,
    problemes: list[Probleme] | None = None,
    montrer_erreurs: bool = True,
    ouvert: str = "",
    brouillon: str = "",
    strict: bool = True,
    message: str = "",
    avis: bool = False,
    confirmer: str = "",
    etape: str = "",
    statut: int = 200,
) -> Response:
    """The form filled with ``donnees``.

    ``montrer_erreurs``: the messages beside the fields too (the summary always lists them);
    ``etape``: the step shown first; ``avis``: the message is a notice, not an error.
    """
    verifie = verifier_donnees(donnees, etat.aujourd_hui, strict=strict)
    racine = arbre(donnees)
    placement = placer(racine, problemes if problemes is not None else verifie.problemes)
    return etat.pages.TemplateResponse(
        request,
        "formulaire.html",
        {
            "jeton": etat.jeton,
            "brouillon": brouillon if brouillons.identifiant_valide(brouillon) else brouillons.nouvel_identifiant(),
            "brouillon_coche": not strict,
            "metiers_lots": [(c, m.libelle, m.taux_main_oeuvre) for c, m in METIERS_AVEC_TAUX.items()],
            "pages": repartir(racine),
            "erreurs": placement.par_champ if montrer_erreurs else {},
            "liste_erreurs": _erreurs(placement),
            "autres_erreurs": max(0, len(placement.liste) - MESSAGES_MAX),
            "panneau": panneau(verifie, donnees, _valeurs_communes(etat, donnees, ouvert), _erreurs(placement)),
            "communes": depot.communes(etat.dossier),
            "ouvert": ouvert,
            "dossier": str(etat.dossier),
            "message": message,
            "alerte": statut >= 400 and not avis,
            "confirmer": confirmer,
            "etape": etape,
            "libreoffice": libreoffice_present(),
            "yaml": verifie.texte_yaml,
            "reference": texte_de(valeur_a(donnees, "marche", "reference")),
        },
        status_code=statut,
    )


def _suite(formulaire: FormData) -> dict[str, Any]:
    """What a page posts besides the data and that its next page keeps: file opened, draft, draft mode."""
    return {
        "ouvert": str(formulaire.get("_fichier") or ""),
        "brouillon": str(formulaire.get("_brouillon_id") or ""),
        "strict": formulaire.get("_brouillon") != "1",
    }


def _valeurs_communes(etat: _Etat, donnees: dict[str, Any], ouvert: str) -> dict[str, Any]:
    """The values of the commune the contract will be saved beside (to say which values come from it)."""
    try:
        return depot.defauts_pour(depot.cible(etat.dossier, donnees, ouvert))[1]
    except ClauseKitError:
        return {}


async def reafficher(request: Request, etat: _Etat) -> Response:
    """The same form again: without JavaScript, to add or remove a list row and to see the messages."""
    formulaire = await _formulaire(request, etat)
    paires = _paires(formulaire)
    ajouter, retirer = str(formulaire.get("_ajouter") or ""), str(formulaire.get("_retirer") or "")
    if ajouter:
        paires.append((f"@{ajouter}.{len(paires)}", "1"))  # a number after all others: the row goes last
    if retirer:
        paires = [(n, v) for n, v in paires if n.lstrip("@") != retirer and not n.lstrip("@").startswith(retirer + ".")]
    return _page(request, etat, lire_saisie(paires), **_suite(formulaire))


async def reprendre_commune(request: Request, etat: _Etat) -> Response:
    """Fill the form's empty values with those of a commune's ``_commune.yaml``, merged as the loader merges."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    try:
        chemin = depot.fichier_commune(etat.dossier, str(formulaire.get("_commune") or ""))
        defauts, _ = lire_yaml(chemin, vide_permis=True)
    except ClauseKitError as err:
        return _page(request, etat, donnees, message=f"Non repris : {err}", statut=422, **_suite(formulaire))
    fusion = fusion_communes(defauts, donnees)
    message = (
        f"Valeurs communes reprises de {chemin.parent.name}/{chemin.name} ; les valeurs déjà saisies sont gardées."
    )
    return _page(request, etat, fusion, message=message, **_suite(formulaire))


async def apercu(request: Request, etat: _Etat) -> Response:
    """Live check: each message with the id of its field, and the figures panel (HTML, autoescaped)."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    verifie = verifier_donnees(donnees, etat.aujourd_hui, strict=formulaire.get("_brouillon") != "1")
    return JSONResponse(_verification(etat, formulaire, donnees, verifie))


def _verification(etat: _Etat, formulaire: FormData, donnees: dict[str, Any], verifie: Any) -> dict[str, Any]:
    """What the page's script shows after a check: messages by field, their list, the panel, the YAML."""
    placement = placer(arbre(donnees), verifie.problemes)
    liste = _erreurs(placement)
    valeurs = panneau(verifie, donnees, _valeurs_communes(etat, donnees, str(formulaire.get("_fichier") or "")), liste)
    return {
        "valide": verifie.valide,
        "erreurs": placement.par_champ,
        "liste": liste,
        "autres": max(0, len(placement.liste) - MESSAGES_MAX),
        "panneau": etat.pages.get_template("_panneau.html").render(panneau=valeurs),
        "resume": etat.pages.get_template("_resume.html").render(panneau=valeurs),
        "yaml": verifie.texte_yaml,
    }


def _nom_fichier(donnees: dict[str, Any]) -> str:
    reference = texte_de(valeur_a(donnees, "marche", "reference"))
    try:
        return f"{slug(str(reference))}.yaml" if reference else "marche.yaml"
    except ValueError:
        return "marche.yaml"


async def telecharger_yaml(request: Request, etat: _Etat) -> Response:
    """The contract file, as ``clause-kit verifier`` reads it."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    entetes = {"content-disposition": f'attachment; filename="{_nom_fichier(donnees)}"'}
    return Response(ecrire_yaml(donnees), media_type="application/yaml; charset=utf-8", headers=entetes)


async def enregistrer(request: Request, etat: _Etat) -> Response:
    """Save into DOSSIER; an existing file is replaced only once the officer confirms."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    suite = {**_suite(formulaire), "etape": "recapitulatif"}
    try:
        chemin = depot.cible(etat.dossier, donnees, suite["ouvert"])
        resultat = depot.enregistrer(chemin, donnees, remplacer=formulaire.get("_confirmer") == "1")
    except ClauseKitError as err:
        return _page(request, etat, donnees, message=f"Non enregistré : {err}", statut=422, **suite)
    relatif = resultat.chemin.relative_to(etat.dossier.resolve()).as_posix()
    if not resultat.ecrit:
        message = f"{relatif} existe déjà dans {etat.dossier} : confirmez pour le remplacer."
        return _page(request, etat, donnees, message=message, confirmer=relatif, statut=409, **suite)
    message = f"Enregistré dans {etat.dossier} : {relatif}"
    if resultat.defauts is not None:
        message += f" (sans les valeurs communes de {resultat.defauts.name}, qu'il reprend)"
    return _page(request, etat, donnees, message=message, **{**suite, "ouvert": relatif})


#: Said when the child process fails for a reason the checks did not foresee (its output goes to the journal).
ECHEC_TECHNIQUE = (
    "Le dossier n'a pas été généré : la génération s'est interrompue pour une raison technique "
    "(modèles Word, LibreOffice, place sur le disque…). Votre saisie est intacte : réessayez ; "
    "si cela se reproduit, signalez-le avec le journal de clause_kit."
)


async def generer(request: Request, etat: _Etat) -> Response:
    """The dossier's ZIP, made by ``clause-kit generer`` in a child process.

    The data is first checked as ``generer`` checks it: what it would refuse is explained beside
    the fields, on the summary, and no process is started. A page's script asks for JSON
    (``accept: application/json``) to show the messages without leaving the page.
    """
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    suite = {**_suite(formulaire), "etape": "recapitulatif"}
    verifie = verifier_donnees(donnees, etat.aujourd_hui, strict=suite["strict"])
    en_json = "application/json" in request.headers.get("accept", "")
    if verifie.valide:
        archive = await generer_archive(
            ecrire_yaml(donnees), _nom_fichier(donnees), etat.verrou, brouillon=not suite["strict"]
        )
        if archive.contenu is not None:
            entetes = {"content-disposition": f'attachment; filename="{archive.nom}"'}
            return Response(archive.contenu, media_type="application/zip", headers=entetes)
        journal.error("génération du formulaire en échec :\n%s", archive.messages)
        message = ECHEC_TECHNIQUE
    else:
        nombre = len(verifie.problemes)
        message = (
            f"Le dossier n'a pas été généré : {nombre} point{'s' if nombre > 1 else ''} à corriger, "
            "listé{} ci-dessous et signalé{} à côté de chaque champ.".format(*(["s"] * 2 if nombre > 1 else [""] * 2))
        )
    if en_json:
        return JSONResponse({**_verification(etat, formulaire, donnees, verifie), "message": message}, status_code=422)
    return _page(request, etat, donnees, message=message, statut=422, **suite)


async def schema(request: Request, etat: _Etat) -> Response:
    """The JSON Schema of a contract file (the same as ``clause-kit schema``)."""
    return JSONResponse(schema_json())
