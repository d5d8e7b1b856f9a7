package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// French returns the French catalogue.
func French() Messages {
	statuses := map[instruct.Status]string{
		instruct.StatusDraft: "brouillon", instruct.StatusSubmitted: "soumise",
		instruct.StatusChangesRequested: "modifications demandées", instruct.StatusValidated: "validée",
		instruct.StatusRefused: "refusée", instruct.StatusRevoked: "révoquée", instruct.StatusArchived: "archivée",
	}
	tabs := map[instruct.Status]string{
		instruct.StatusSubmitted: "À instruire", instruct.StatusChangesRequested: "Modifs demandées",
		instruct.StatusValidated: "Validées", instruct.StatusRefused: "Refusées",
		instruct.StatusRevoked: "Révoquées", instruct.StatusArchived: "Archivées", instruct.StatusDraft: "Brouillons",
	}
	short := map[instruct.Status]string{
		instruct.StatusSubmitted: "À instr.", instruct.StatusChangesRequested: "Modifs",
		instruct.StatusValidated: "Valid.", instruct.StatusRefused: "Refus.",
	}
	shortStatuses := map[instruct.Status]string{
		instruct.StatusDraft: "brouillon", instruct.StatusSubmitted: "soumise",
		instruct.StatusChangesRequested: "modifs", instruct.StatusValidated: "validée",
		instruct.StatusRefused: "refusée", instruct.StatusRevoked: "révoquée", instruct.StatusArchived: "archivée",
	}
	ops := map[instruct.OpState]string{
		instruct.OpPending: "en attente", instruct.OpSending: "envoi", instruct.OpConflict: "conflit",
		instruct.OpRejected: "rejetée", instruct.OpAccepted: "acceptée",
	}
	fields := map[string]string{
		"definition": "API", "title": "Intitulé", "description": "Description", "organization": "Organisation",
		"applicant": "Demandeur", "contacts": "Contacts", "legal_basis": "Cadre juridique", "scopes": "Données",
		"data_recipients": "Destinataires", "retention_months": "Conservation (mois)",
		"retention_justification": "Justification de la conservation", "volumetry": "Volumétrie",
		"production_date": "Mise en production", "terms_accepted": "Conditions acceptées",
		"dpo_informed": "DPD informé", "siret": "SIRET", "city": "Commune", "name": "Nom", "email": "Courriel", "status": "Statut",
		"created_at": "Créée le", "submitted_at": "Soumise le", "updated_at": "Mise à jour le",
		"version": "Version", "nature": "Texte", "url": "Lien", "document": "Document joint",
		"retention": "Conservation", "declarations": "Déclarations", "reopening": "Réouverture",
	}
	roles := map[string]string{
		instruct.ContactDPO: "Délégué à la protection des données", instruct.ContactController: "Responsable de traitement",
		instruct.ContactTechnical: "Contact technique",
	}
	did := map[instruct.Kind]string{
		instruct.KindCreate: "a créé la demande", instruct.KindUpdate: "a modifié la demande",
		instruct.KindSubmit: "a soumis la demande", instruct.KindApprove: "a validé",
		instruct.KindRefuse: "a refusé", instruct.KindRequestChanges: "a demandé des modifications",
		instruct.KindRevoke: "a révoqué", instruct.KindArchive: "a archivé",
		instruct.KindNote: "a écrit une note interne", instruct.KindMessage: "a écrit au demandeur",
		instruct.KindClaim: "a pris la demande", instruct.KindRelease: "a laissé la demande",
		instruct.KindReopen: "a rouvert la demande", instruct.KindCancelReopening: "a annulé la réouverture",
		instruct.KindTransfer: "a transféré la demande", instruct.KindTokenDelivered: "a délivré le jeton",
	}
	decisions := map[instruct.Kind]string{
		instruct.KindApprove: "Valider", instruct.KindRefuse: "Refuser",
		instruct.KindRequestChanges: "Demander des modifications", instruct.KindNote: "Note interne",
		instruct.KindRevoke: "Révoquer", instruct.KindArchive: "Archiver", instruct.KindMessage: "Message",
		instruct.KindClaim: "Prendre", instruct.KindRelease: "Laisser",
		instruct.KindCreate: "Créer", instruct.KindUpdate: "Modifier", instruct.KindSubmit: "Soumettre",
		instruct.KindReopen: "Rouvrir", instruct.KindCancelReopening: "Annuler la réouverture",
		instruct.KindTransfer: "Transférer", instruct.KindTokenDelivered: "Jeton délivré",
	}
	infinitive := map[instruct.Kind]string{
		instruct.KindApprove: "valider", instruct.KindRefuse: "refuser",
		instruct.KindRequestChanges: "demander des modifications sur", instruct.KindNote: "annoter",
		instruct.KindRevoke: "révoquer", instruct.KindArchive: "archiver",
		instruct.KindReopen: "rouvrir", instruct.KindCancelReopening: "annuler la réouverture d’",
		instruct.KindTransfer: "transférer", instruct.KindTokenDelivered: "délivrer un jeton pour",
	}
	// state is a status as it follows "une demande".
	state := map[instruct.Status]string{
		instruct.StatusDraft: "encore en brouillon", instruct.StatusSubmitted: "soumise",
		instruct.StatusChangesRequested: "en attente de modifications", instruct.StatusValidated: "validée",
		instruct.StatusRefused: "refusée", instruct.StatusRevoked: "révoquée", instruct.StatusArchived: "archivée",
	}
	recorded := map[instruct.Kind]string{
		instruct.KindApprove: "validation enregistrée", instruct.KindRefuse: "refus enregistré",
		instruct.KindRequestChanges: "demande de modifications enregistrée", instruct.KindNote: "note enregistrée",
		instruct.KindRevoke: "révocation enregistrée", instruct.KindArchive: "archivage enregistré",
		instruct.KindMessage: "message enregistré",
		instruct.KindReopen:  "réouverture enregistrée", instruct.KindCancelReopening: "fin de réouverture enregistrée",
		instruct.KindTransfer: "transfert enregistré", instruct.KindTokenDelivered: "jeton délivré",
	}
	sorts := map[instruct.Sort]string{
		instruct.SortAge: "ancienneté", instruct.SortUpdated: "mise à jour", instruct.SortOrganization: "organisation",
	}
	ago := func(d time.Duration) string { return compactDuration(d, "j") }
	return Messages{
		Lang:           "fr",
		AppName:        "instruct",
		Online:         "en ligne",
		Offline:        "hors ligne",
		Syncing:        "synchronisation…",
		NeverSynced:    "jamais synchronisé",
		NoSync:         "sans synchronisation",
		SyncedAgo:      func(d time.Duration) string { return "synchronisé il y a " + ago(d) },
		ReadOnlyAccess: func(apis string) string { return "accès en lecture seule : " + apis },
		ReadOnly:       "lecture seule",
		ReadOnlyHelp: func(api string) string {
			return "Accès en lecture seule aux demandes " + api + " : vous pouvez les lire, les chercher, en copier le texte, pas décider."
		},
		PendingN:   func(n int) string { return strconv.Itoa(n) + " en attente" },
		ConflictsN: func(n int) string { return strconv.Itoa(n) + plural(n, " conflit", " conflits", true) },
		RejectedN:  func(n int) string { return strconv.Itoa(n) + plural(n, " rejetée", " rejetées", true) },
		SyncError: func(code instruct.Code, msg string) string {
			switch code {
			case instruct.CodeUnavailable:
				return "serveur injoignable, décisions gardées"
			case instruct.CodeUnauthorized:
				return "le serveur refuse le jeton : reconnectez-vous (instruct login)"
			case instruct.CodeRateLimited:
				return "serveur saturé ; nouvel essai dans un instant"
			}
			return "erreur de synchronisation : " + frenchCode(code)
		},
		Fault: func(f instruct.Fault) string {
			return lookup(map[instruct.Fault]string{
				instruct.FaultUnreachable:       "serveur injoignable, décisions gardées",
				instruct.FaultServerUnavailable: "serveur indisponible, décisions gardées",
				instruct.FaultDiskFull:          "disque plein : libérez de la place ; décisions gardées",
				instruct.FaultCacheDamaged:      "cache endommagé, encore ouvert par un autre instruct : fermez-le",
			}, f)
		},
		CacheDamaged: "cache endommagé",

		QueueTitle: func(n int) string { return "File · " + strconv.Itoa(n) },
		Loading:    "Chargement…",
		NoRequests: "Aucune demande dans cet onglet.",
		NoMatch:    "Aucune demande ne correspond à la recherche.",
		MatchesIn:  func(n int, tab string) string { return strconv.Itoa(n) + " dans « " + tab + " »" },
		NoMatchHere: func(elsewhere []string, goTo string) string {
			return "Aucun résultat dans cet onglet · " + strings.Join(elsewhere, ", ") + " · entrée : aller à « " + goTo + " »"
		},
		TabAll: "Toutes",
		Tab:    func(s instruct.Status) string { return lookup(tabs, s) },
		TabShort: func(s instruct.Status) string {
			if v, ok := short[s]; ok {
				return v
			}
			return lookup(tabs, s)
		},
		AllAPIs:       "toutes les API",
		EveryAPI:      "Toutes les API",
		PickAPI:       "Filtrer la file par API",
		CurrentFilter: "(filtre actuel)",
		FilterBy:      func(api string) string { return "API : " + api },
		SortBy:        func(s instruct.Sort) string { return "tri : " + lookup(sorts, s) },
		SearchHint:    "ID, intitulé, organisation, SIRET, e-mail, donnée, qui a décidé",
		Age:           ago,
		Op:            func(s instruct.OpState) string { return lookup(ops, s) },
		OpOf: func(s instruct.OpState, k instruct.Kind) string {
			return fmt.Sprintf("votre décision « %s » : %s", strings.ToLower(lookup(decisions, k)), lookup(ops, s))
		},
		Overdue: "délai dépassé",

		Status:      func(s instruct.Status) string { return lookup(statuses, s) },
		StatusShort: func(s instruct.Status) string { return lookup(shortStatuses, s) },
		Submissions: func(first string, d time.Duration, again bool) string {
			if again {
				return "déposée le " + first + ", resoumise il y a " + ago(d)
			}
			return "soumise le " + first + ", il y a " + ago(d)
		},
		PaneDetails:    "Demande",
		PaneLegal:      "Cadre juridique",
		PaneScopes:     "Données demandées",
		Field:          func(name string) string { return lookup(fields, name) },
		Labelled:       func(label, value string) string { return label + " : " + value },
		ContactRole:    func(role string) string { return lookup(roles, role) },
		YesNo:          func(b bool) string { return choose(b, "oui", "non") },
		None:           "aucun",
		Months:         func(n int) string { return strconv.Itoa(n) + " mois" },
		OutsideCatalog: "Hors catalogue",
		Included:       "inclus d'office",
		Flag:           frenchFlag,
		ChooseRequest:  "Choisissez une demande dans la file.",
		More:           "suite",

		TimelineTitle: func(id string) string { return "Historique de " + id },
		Did:           func(k instruct.Kind) string { return lookup(did, k) },
		InternalNote:  "NOTE INTERNE · instructeurs seulement, jamais envoyée au demandeur",
		ChangedSince:  "Modifié depuis la demande de modifications :",
		DiffCut:       "(texte coupé dans l'historique : la demande le contient en entier)",
		ScopeOutside:  "hors catalogue",
		NoEvents:      "Aucun événement.",
		DateTime:      func(t time.Time) string { return t.Format("02/01/2006 15:04") },
		Date:          func(t time.Time) string { return t.Format("02/01/2006") },
		Stamp:         func(t time.Time) string { return t.Format("02/01/2006 15:04") + " " + UTCOffset(t) },
		Zone:          "UTC",
		ZoneNote:      func(zone string) string { return "fuseau horaire : " + zone },
		Quote:         func(s string) string { return "« " + s + " »" },

		Decision: func(k instruct.Kind) string { return lookup(decisions, k) },
		FormHint: func(k instruct.Kind) string {
			switch k {
			case instruct.KindApprove:
				return "Commentaire facultatif, envoyé au demandeur avec la validation."
			case instruct.KindNote:
				return "Note interne, lue par les instructeurs seulement. Obligatoire."
			case instruct.KindMessage:
				return "Message envoyé au demandeur, sans décision. Obligatoire."
			case instruct.KindArchive:
				return "Commentaire facultatif. L'archivage retire la demande des onglets."
			case instruct.KindRevoke:
				return "Commentaire obligatoire : le motif de la révocation, envoyé au demandeur."
			}
			return "Commentaire obligatoire : il devient le message envoyé au demandeur."
		},
		NoTemplates:      "aucun modèle pour cette décision",
		PickTemplate:     "Insérer un modèle de message :",
		PickHint:         "↑↓ : choisir · Entrée : insérer · Échap : revenir au commentaire",
		TemplateInserted: func(title string) string { return "modèle inséré : " + title },
		Confirm: func(k instruct.Kind, id, org string) string {
			switch k {
			case instruct.KindNote:
				return fmt.Sprintf("Ajouter cette note interne à la demande %s %s ?", id, ofOrganization(org))
			case instruct.KindMessage:
				return fmt.Sprintf("Envoyer ce message au demandeur de la demande %s %s ?", id, ofOrganization(org))
			}
			return fmt.Sprintf("%s la demande %s %s ?", lookup(decisions, k), id, ofOrganization(org))
		},
		ConfirmHint: "y : confirmer · n ou Échap : revenir au commentaire",
		EnterNever:  "(Entrée ne confirme pas.)",
		Recording:   "Enregistrement…",
		ErrComment: func(k instruct.Kind) string {
			switch k {
			case instruct.KindNote:
				return "Une note interne ne peut pas être vide."
			case instruct.KindMessage:
				return "Un message au demandeur ne peut pas être vide."
			}
			return "Un commentaire est obligatoire pour " + lookup(infinitive, k) + " une demande."
		},
		ErrTransition: func(k instruct.Kind, s instruct.Status) string {
			return fmt.Sprintf("Impossible %s une demande %s.", elide(lookup(infinitive, k)), lookup(state, s))
		},
		ErrWaiting: func(id string) string {
			return fmt.Sprintf("Votre décision sur %s n'est pas encore envoyée : une autre attendra qu'elle le soit.", id)
		},
		ErrCode:          frenchCode,
		ErrTooLong:       func(n int) string { return fmt.Sprintf("Le commentaire est trop long (%d caractères au plus).", n) },
		ErrNotFound:      "Cette demande n'est plus dans le cache.",
		ErrOther:         func(msg string) string { return "Enregistrement impossible : " + msg },
		CannotDecide:     func(def string) string { return "Vous n'avez qu'un accès en lecture aux demandes " + def + "." },
		ReplacesYours:    "Votre décision en conflit sera abandonnée au profit de celle-ci.",
		LeaveQuestion:    "Abandonner ce commentaire ? Il sera perdu.",
		LeaveHint:        "y : l'abandonner · n ou Échap : continuer à écrire",
		DraftRestored:    "brouillon non envoyé repris",
		ConflictRestored: "commentaire de votre décision en conflit repris",
		DiscardQuestion: func(k instruct.Kind, id string) string {
			return fmt.Sprintf("Abandonner votre décision « %s » sur %s ? y : oui · n : non", strings.ToLower(lookup(decisions, k)), id)
		},

		ConflictTitle: "Conflit",
		YourDecision: func(k instruct.Kind) string {
			return fmt.Sprintf("Votre décision « %s » n'a pas été appliquée : la demande a changé avant.", strings.ToLower(lookup(decisions, k)))
		},
		Happened: func(actor string, k instruct.Kind, at string) string {
			return fmt.Sprintf("%s %s le %s", actor, lookup(did, k), at)
		},
		Meanwhile: func(actor string, k instruct.Kind, d time.Duration, comment string) string {
			line := fmt.Sprintf("%s %s il y a %s", actor, lookup(did, k), ago(d))
			if comment != "" {
				line += " : « " + comment + " »"
			}
			return line
		},
		MeanwhileHint: "Échap : abandonner · ctrl+s : décider à nouveau sur la nouvelle version (votre commentaire est gardé)",
		ConflictHint:  "D : abandonner votre décision · a x c n : décider à nouveau sur la version actuelle",
		RejectedTitle: "Décision rejetée par le serveur",
		RejectedHint:  "D : retirer cette décision · a x c n : décider à nouveau",
		RejectedWhy: func(c instruct.Code, id string) string {
			if c == "" {
				return "Le motif donné par le serveur est dans « instruct show " + id + " »."
			}
			return "Motif : " + frenchCode(c) + "."
		},

		Recorded: func(k instruct.Kind, id string) string {
			return fmt.Sprintf("%s : %s, en attente de synchronisation.", id, lookup(recorded, k))
		},
		Discarded:      func(id string) string { return id + " : votre décision a été abandonnée." },
		CopiedID:       func(id string) string { return id + " copié dans le presse-papiers." },
		CopiedComment:  func(author string) string { return "Commentaire de " + author + " copié dans le presse-papiers." },
		SyncRequested:  "Synchronisation demandée.",
		NoSyncer:       "Pas de synchronisation dans ce mode.",
		CacheError:     func(msg string) string { return "Lecture du cache impossible : " + msg },
		NoSelection:    "Aucune demande sélectionnée.",
		CacheRepairing: "Cache endommagé : réparation et nouvelle synchronisation en cours, les décisions en attente sont gardées…",
		Recovered: func(r instruct.CacheRecovery) string {
			if r.Problem == instruct.CacheElsewhere {
				return "Cache endommagé, remplacé par un autre instruct ; la synchronisation le remplit à nouveau."
			}
			return fmt.Sprintf("Cache %s, remplacé : %d %s, %d %s ; l'ancien fichier est %s",
				lookup(cacheProblemsFR, r.Problem), r.Saved, plural(r.Saved, "décision en attente sauvée", "décisions en attente sauvées", true),
				r.Lost, plural(r.Lost, "perdue", "perdues", true), r.MovedTo)
		},

		Synced: func(p, c, r int) string {
			return fmt.Sprintf("synchronisé : %d en attente, %d en conflit, %d %s", p, c, r, plural(r, "rejetée", "rejetées", true))
		},
		SyncFailed: func(reason string, kept int) string {
			return fmt.Sprintf("échec de la synchronisation : %s (%d en attente dans la file d'envoi)", reason, kept)
		},
		Resynced:    "le cache local a été remplacé, puis rempli à nouveau depuis le serveur",
		RunAgain:    "le cache local a été remplacé, puis rempli à nouveau depuis le serveur : relancez la commande",
		Then:        " ; ",
		NotResynced: "le nouveau cache reste vide jusqu'à la prochaine synchronisation",

		Provider:  "le fournisseur de l'API",
		HelpTitle: "Aide",
		HelpScroll: func(first, last, total int) string {
			return fmt.Sprintf("lignes %d–%d sur %d · j/k", first, last, total)
		},
		Legend: "⧗ décision en attente d'envoi · ! conflit · ✗ rejetée · ⚑ délai d'instruction dépassé",
		TooSmall: func(w, h, minW, minH int) string {
			return fmt.Sprintf("Fenêtre trop petite : %d×%d. Il faut au moins %d×%d.", w, h, minW, minH)
		},

		Keys: KeyHelp{
			Up: "monter", Down: "descendre", Top: "début", Bottom: "fin", PageUp: "page préc.", PageDown: "page suiv.",
			Open: "ouvrir", Back: "retour à la file", NextTab: "onglet suivant", PrevTab: "onglet précédent",
			Panes: "volet", NextPane: "volet suivant", PrevPane: "volet précédent", NextRequest: "demande suivante", PrevRequest: "demande précédente",
			Approve: "valider", Refuse: "refuser", RequestChanges: "demander des modifs", Note: "note", Timeline: "historique",
			Revoke: "révoquer", Archive: "archiver", Message: "écrire au demandeur",
			Search: "chercher", Filter: "filtrer par API", Sort: "trier", Sync: "synchroniser", Help: "aide", Quit: "quitter",
			Discard: "abandonner ma décision", Send: "envoyer", Template: "modèle", Cancel: "annuler",
			Confirm: "confirmer", GoBack: "revenir", SearchDone: "garder la recherche", SearchClear: "effacer",
			Copy: "copier l'ID ou le commentaire", Choose: "choisir",
			Claim: "prendre/laisser",
			Stats: "statistiques",
			Close: "fermer", Pick: "insérer",

			Conversation: "correspondance",
		},
	}
}

// frenchCode says what an error of code c means.
func frenchCode(c instruct.Code) string {
	switch c {
	case instruct.CodeInvalid:
		return "la demande ou le commentaire n'est pas valable"
	case instruct.CodeUnauthorized:
		return "le serveur refuse le jeton, reconnectez-vous (instruct login)"
	case instruct.CodeForbidden:
		return "votre rôle ne le permet pas"
	case instruct.CodeNotFound:
		return "demande introuvable"
	case instruct.CodeInFlight:
		return "la même opération est déjà en cours"
	case instruct.CodeCursorExpired:
		return "le fil des changements a expiré, une synchronisation complète suit"
	case instruct.CodeStaleVersion:
		return "la demande a changé entre-temps"
	case instruct.CodeTooLarge:
		return "texte trop long"
	case instruct.CodeCommentRequired:
		return "un commentaire est obligatoire"
	case instruct.CodeInvalidTransition:
		return "le statut de la demande ne le permet pas"
	case instruct.CodeIdempotencyKeyReused, instruct.CodePreconditionRequired:
		return "requête refusée par le serveur"
	case instruct.CodeRateLimited:
		return "serveur saturé, nouvel essai dans un instant"
	case instruct.CodeUnavailable:
		return "serveur ou cache indisponible pour l'instant"
	}
	return "erreur interne (détails dans le journal)"
}

// frenchFlag describes a flag of r.
func frenchFlag(f instruct.Flag, r instruct.Request, unknown []string) string {
	switch f {
	case instruct.FlagRetentionUnjustified:
		return fmt.Sprintf("Conservation de %d mois (plus de %d) sans justification", r.RetentionMonths, instruct.MaxRetentionMonths)
	case instruct.FlagRetentionLong:
		return fmt.Sprintf("Conservation de %d mois (plus de %d), justifiée : à vérifier", r.RetentionMonths, instruct.MaxRetentionMonths)
	case instruct.FlagLegalBasisUnsourced:
		return "Cadre juridique sans lien ni document joint"
	case instruct.FlagScopeUnknown:
		return "Données hors catalogue : " + strings.Join(unknown, ", ")
	}
	return string(f)
}

// frenchArticles gives the definite article the first word of an
// organisation's name takes in a sentence ("la Ville de Lyon", "le
// Département du Nord"); a name whose first word is not here takes none
// ("Lyon Métropole", "Santélia Connect").
var frenchArticles = map[string]string{
	"Ville": "la ", "Mairie": "la ", "Commune": "la ", "Région": "la ", "Mutuelle": "la ",
	"Métropole": "la ", "Communauté": "la ", "Caisse": "la ", "Préfecture": "la ",
	"Collectivité": "la ", "Direction": "la ", "Fédération": "la ", "Maison": "la ",
	"Département": "le ", "Ministère": "le ", "CCAS": "le ", "CIAS": "le ", "Centre": "le ",
	"Conseil": "le ", "Syndicat": "le ", "Service": "le ", "Groupement": "le ", "SDIS": "le ",
	"Agence": "l'", "Établissement": "l'", "Office": "l'", "Université": "l'", "Institut": "l'",
	"Hôpital": "l'", "Eurométropole": "l'", "Assemblée": "l'", "Académie": "l'",
	"Hospices": "les ",
}

// ofOrganization writes French "de" before an organisation's name, with
// the article its name takes: "de la Ville de Lyon", "du Département de
// la Gironde", "de l'Agence nationale de l'habitat", "des Hospices
// civils", "du Mans Métropole", "d'Évry-Courcouronnes", "de Santélia".
func ofOrganization(name string) string {
	first, _, _ := strings.Cut(name, " ")
	switch frenchArticles[first] {
	case "la ":
		return "de la " + name
	case "le ":
		return "du " + name
	case "l'":
		return "de l'" + name
	case "les ":
		return "des " + name
	}
	if rest, ok := strings.CutPrefix(name, "Le "); ok {
		return "du " + rest
	}
	if rest, ok := strings.CutPrefix(name, "Les "); ok {
		return "des " + rest
	}
	if name != "" && strings.ContainsRune("AEIOUYÀÂÉÈÊÎÏÔÛaeiouyéèêîô", []rune(name)[0]) {
		return "d'" + name
	}
	return "de " + name
}

// cacheProblemsFR says why a cache file was replaced.
var cacheProblemsFR = map[instruct.CacheProblem]string{
	instruct.CacheEmpty:      "vide",
	instruct.CacheNotSQLite:  "illisible (en-tête endommagé ou autre fichier)",
	instruct.CacheForeign:    "appartenant à un autre programme",
	instruct.CacheIncomplete: "inachevé",
	instruct.CacheTruncated:  "tronqué",
	instruct.CacheDamaged:    "endommagé",
}
