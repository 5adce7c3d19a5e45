// clause_kit, formulaire : étapes, lignes de liste, blocs facultatifs et vérification en direct.
// Sans ce script, le formulaire reste utilisable : toutes les étapes s'affichent l'une sous l'autre.
"use strict";

(function () {
  const formulaire = document.getElementById("formulaire");
  if (!formulaire) {
    return;
  }
  document.documentElement.classList.add("js");
  const etapes = Array.from(formulaire.querySelectorAll("section.etape"));
  const liens = Array.from(formulaire.querySelectorAll("nav.etapes a"));

  // --- étapes : une à la fois, dans l'ordre de l'acheteur ---
  function montrer(ancre, focaliser) {
    const cible = document.getElementById("etape-" + ancre) ? ancre : etapes[0].id.slice(6);
    etapes.forEach(function (section) {
      section.hidden = section.id !== "etape-" + cible;
    });
    liens.forEach(function (lien) {
      if (lien.getAttribute("href") === "#etape-" + cible) {
        lien.setAttribute("aria-current", "step");
      } else {
        lien.removeAttribute("aria-current");
      }
    });
    if (focaliser) {
      document.getElementById("t-" + cible).focus();
    }
  }
  liens.forEach(function (lien) {
    lien.addEventListener("click", function (evenement) {
      evenement.preventDefault();
      montrer(lien.getAttribute("href").slice(7), true);
      history.replaceState(null, "", lien.getAttribute("href"));
    });
  });
  formulaire.addEventListener("click", function (evenement) {
    const bouton = evenement.target.closest("[data-aller]");
    if (bouton) {
      montrer(bouton.getAttribute("data-aller"), true);
      history.replaceState(null, "", "#etape-" + bouton.getAttribute("data-aller"));
    }
  });
  montrer(
    location.hash.startsWith("#etape-") ? location.hash.slice(7) : formulaire.getAttribute("data-etape") || "",
    false
  );

  // Aller au champ d'une erreur (récapitulatif ou panneau) : afficher son étape, puis lui donner le focus.
  document.addEventListener("click", function (evenement) {
    const lien = evenement.target.closest("#liste-erreurs a, #panneau a[href^='#c-']");
    if (!lien) {
      return;
    }
    const champ = document.getElementById(lien.getAttribute("href").slice(1));
    if (champ) {
      evenement.preventDefault();
      montrer(champ.closest("section.etape").id.slice(6), false);
      const controle = champ.matches("input, select") ? champ : champ.querySelector("input, select");
      (controle || champ).focus();
    }
  });

  // --- blocs facultatifs : cochés, leurs champs comptent ; décochés, ils sont masqués et ignorés ---
  function appliquerPresence(case_) {
    const contenu = document.getElementById(case_.getAttribute("aria-controls"));
    if (!contenu) {
      return;
    }
    const actif = case_.checked && !case_.disabled;
    contenu.hidden = !actif;
    contenu.querySelectorAll("input, select, button").forEach(function (controle) {
      controle.disabled = !actif;
    });
    contenu.querySelectorAll("input.presence").forEach(appliquerPresence);
  }
  formulaire.querySelectorAll("input.presence").forEach(appliquerPresence);
  formulaire.addEventListener("change", function (evenement) {
    if (evenement.target.matches("input.presence")) {
      appliquerPresence(evenement.target);
    }
    // Le métier d'un lot remplit le taux de main-d'œuvre du lot (sa clause d'exécution propre).
    if (evenement.target.matches("select.metier-lot")) {
      const option = evenement.target.selectedOptions[0];
      const ident = evenement.target.closest("fieldset.element").id;
      const presence = document.getElementById("p-" + ident + "-insertion");
      const taux = document.getElementById(ident + "-insertion-taux_main_oeuvre");
      if (option && option.getAttribute("data-taux") && presence && taux) {
        presence.checked = true;
        appliquerPresence(presence);
        taux.value = option.getAttribute("data-taux");
      }
    }
  });

  // --- listes (lots, critères, sous-critères) : ajouter, retirer, renuméroter ---
  function renumeroter(elements) {
    const nom = elements.getAttribute("data-nom");
    const ident = "c-" + nom.replace(/\./g, "-");
    Array.from(elements.children).forEach(function (element, i) {
      const motifNom = new RegExp("^(@?)" + nom.replace(/\./g, "\\.") + "\\.(\\d+|__i__)");
      const motifId = new RegExp("(^|\\s|[a-z]-)" + ident + "-(\\d+|__i__)", "g");
      [element].concat(Array.from(element.querySelectorAll("*"))).forEach(function (noeud) {
        if (noeud.name) {
          noeud.name = noeud.name.replace(motifNom, "$1" + nom + "." + i);
        }
        ["id", "for", "aria-describedby", "aria-controls"].forEach(function (attribut) {
          const valeur = noeud.getAttribute(attribut);
          if (valeur) {
            noeud.setAttribute(attribut, valeur.replace(motifId, "$1" + ident + "-" + i));
          }
        });
      });
      element.querySelectorAll(":scope > legend .numero, :scope > .retirer .numero").forEach(function (numero) {
        numero.textContent = String(i + 1);
      });
    });
  }
  formulaire.addEventListener("click", function (evenement) {
    const ajouter = evenement.target.closest("button.ajouter");
    const retirer = evenement.target.closest("button.retirer");
    if (ajouter || retirer) {
      evenement.preventDefault(); // without this script, the server adds or removes the row
    }
    if (ajouter) {
      const ident = ajouter.getAttribute("data-liste");
      const elements = document.getElementById("k-" + ident);
      const copie = document.getElementById("t-" + ident).content.firstElementChild.cloneNode(true);
      elements.appendChild(copie);
      renumeroter(elements);
      copie.querySelectorAll("input.presence").forEach(appliquerPresence);
      const premier = copie.querySelector("input:not([type=hidden]), select");
      if (premier) {
        premier.focus();
      }
      planifier();
    } else if (retirer) {
      const element = retirer.closest("fieldset.element");
      const elements = element.parentElement;
      element.remove();
      renumeroter(elements);
      planifier();
    }
  });

  // --- vérification en direct : les messages de clause-kit generer, à côté de leurs champs ---
  const panneau = document.getElementById("panneau");
  const listeErreurs = document.getElementById("liste-erreurs");
  const resume = document.getElementById("resume");
  const annonce = document.getElementById("annonce");
  const texteYaml = document.getElementById("texte-yaml");
  let minuterie = null;
  let numero = 0;

  function ligneErreur(erreur) {
    const ligne = document.createElement("li");
    if (erreur.cible) {
      const lien = document.createElement("a");
      lien.href = "#" + erreur.cible;
      lien.textContent = erreur.champ;
      ligne.append(lien);
      if (erreur.etape) {
        const etape = document.createElement("span");
        etape.className = "etape-nom";
        etape.textContent = "(" + erreur.etape + ")";
        ligne.append(" ", etape);
      }
      if (erreur.chemin) {
        const cle = document.createElement("code");
        cle.className = "cle";
        cle.setAttribute("aria-hidden", "true");
        cle.textContent = erreur.chemin;
        ligne.append(" ", cle);
      }
      ligne.append(" : " + erreur.message);
    } else {
      ligne.textContent = erreur.message;
    }
    return ligne;
  }

  // N'annoncer que ce qui a changé : les heures, ou le nombre d'erreurs, pas tout le panneau.
  let retablie = false;
  function annoncer(ancien, nouveau) {
    const avant = ancien.split(" · ");
    const apres = nouveau.split(" · ");
    const changes = apres.filter(function (partie, i) {
      return partie !== avant[i];
    });
    if (retablie) {
      changes.unshift("Vérification en direct rétablie");
      retablie = false;
    }
    if (changes.length) {
      annonce.textContent = changes.join(" ; ");
    }
  }

  function afficher(reponse) {
    formulaire.querySelectorAll("p.erreur").forEach(function (p) {
      p.textContent = "";
    });
    formulaire.querySelectorAll("[aria-invalid]").forEach(function (controle) {
      controle.removeAttribute("aria-invalid");
    });
    formulaire.querySelectorAll(".en-erreur").forEach(function (bloc) {
      bloc.classList.remove("en-erreur");
    });
    Object.keys(reponse.erreurs).forEach(function (ident) {
      const message = document.getElementById("e-" + ident);
      const controle = document.getElementById(ident);
      if (message) {
        message.textContent = reponse.erreurs[ident].join("\n");
      }
      if (controle) {
        if (controle.matches("input, select")) {
          controle.setAttribute("aria-invalid", "true");
          controle.parentElement.classList.add("en-erreur");
        } else {
          controle.classList.add("en-erreur");
        }
      }
    });
    listeErreurs.replaceChildren();
    reponse.liste.forEach(function (erreur) {
      listeErreurs.appendChild(ligneErreur(erreur));
    });
    if (reponse.autres) {
      const ligne = document.createElement("li");
      ligne.className = "autres";
      ligne.textContent = "… et " + reponse.autres + " autres.";
      listeErreurs.appendChild(ligne);
    }
    if (!reponse.liste.length) {
      const ligne = document.createElement("li");
      ligne.className = "aucune";
      ligne.textContent = "Aucune : le dossier peut être généré.";
      listeErreurs.appendChild(ligne);
    }
    panneau.innerHTML = reponse.panneau; // rendu et échappé par le serveur
    texteYaml.textContent = reponse.yaml;
    const ancien = resume.textContent.trim();
    resume.textContent = reponse.resume.trim();
    annoncer(ancien, resume.textContent);
    formulaire.setAttribute("data-verifie", String(numero));
  }

  // Après un redémarrage du serveur, la page porte un jeton périmé : le serveur donne le nouveau.
  function nouveauJeton(jeton) {
    document.querySelectorAll("input[name=_jeton]").forEach(function (champ) {
      champ.value = jeton;
    });
  }

  let interrompue = false;
  async function verifier(essai) {
    numero += 1;
    const mien = numero;
    let reponse;
    try {
      reponse = await fetch("/apercu", { method: "POST", body: new FormData(formulaire) });
    } catch (erreur) {
      // Serveur arrêté : le dire une fois, puis réessayer jusqu'à ce qu'il revienne.
      if (!interrompue) {
        interrompue = true;
        annonce.textContent =
          "Vérification en direct interrompue : le serveur du formulaire ne répond plus. Votre saisie reste dans la page.";
        resume.textContent = "Serveur du formulaire arrêté : relancez clause-kit formulaire";
      }
      if (mien === numero) {
        minuterie = setTimeout(verifier, 3000);
      }
      return;
    }
    if (interrompue) {
      interrompue = false;
      retablie = true;
    }
    if (reponse.status === 409 && !essai) {
      const corps = await reponse.json();
      if (corps.perime) {
        nouveauJeton(corps.jeton);
        if (mien === numero) {
          verifier(true);
        }
      }
      return;
    }
    if (reponse.ok && mien === numero) {
      afficher(await reponse.json());
    }
  }

  function planifier() {
    clearTimeout(minuterie);
    formulaire.removeAttribute("data-verifie");
    minuterie = setTimeout(verifier, 300);
  }

  // --- générer : une indication de progression, le ZIP téléchargé, ou les messages sur le récapitulatif ---
  const etatGeneration = document.getElementById("generation-etat");
  const boutonGenerer = document.getElementById("bouton-generer");

  function progression(texte, enCours) {
    etatGeneration.replaceChildren();
    if (enCours) {
      const barre = document.createElement("progress");
      barre.setAttribute("aria-label", "Génération en cours");
      etatGeneration.append(barre, " ");
    }
    etatGeneration.append(texte);
    boutonGenerer.disabled = enCours;
    boutonGenerer.setAttribute("aria-busy", String(enCours));
  }

  async function generer() {
    const donnees = new FormData(formulaire);
    progression("Génération en cours : les pièces Word, puis le PDF si LibreOffice est installé (jusqu'à une minute ou deux)…", true);
    let reponse;
    try {
      reponse = await fetch("/generer", { method: "POST", body: donnees, headers: { accept: "application/json" } });
    } catch (erreur) {
      progression("Le serveur du formulaire ne répond plus : relancez clause-kit formulaire, puis générez à nouveau.", false);
      return;
    }
    const type = reponse.headers.get("content-type") || "";
    if (reponse.ok && type.startsWith("application/zip")) {
      const nom = (/filename="([^"]+)"/.exec(reponse.headers.get("content-disposition") || "") || [])[1] || "dossier.zip";
      const adresse = URL.createObjectURL(await reponse.blob());
      const lien = document.createElement("a");
      lien.href = adresse;
      lien.download = nom;
      document.body.appendChild(lien);
      lien.click();
      lien.remove();
      setTimeout(function () {
        URL.revokeObjectURL(adresse);
      }, 60000);
      progression("Dossier généré : " + nom + " est téléchargé.", false);
      return;
    }
    if (type.startsWith("application/json")) {
      const corps = await reponse.json();
      if (corps.perime) {
        nouveauJeton(corps.jeton);
        progression(corps.message, false);
        return;
      }
      afficher(corps);
      progression(corps.message, false);
      const premier = listeErreurs.querySelector("a");
      (premier || document.getElementById("t-recapitulatif")).focus();
      return;
    }
    progression("Le dossier n'a pas été généré : le serveur a refusé la demande (code " + reponse.status + ").", false);
  }

  formulaire.addEventListener("submit", function (evenement) {
    if (evenement.submitter && evenement.submitter.classList.contains("defaut")) {
      evenement.preventDefault(); // Enter in a field: the live check already shows the messages
      planifier();
    } else if (evenement.submitter && evenement.submitter.id === "bouton-generer" && window.fetch) {
      evenement.preventDefault();
      generer();
    }
  });
  formulaire.addEventListener("input", planifier);
  formulaire.addEventListener("change", planifier);
})();
