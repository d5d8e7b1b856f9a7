package i18n

import (
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// LifeWords are the words of a request's life after its approval: the
// habilitations view and screen, a reopening reviewed against the active
// habilitation, the organisation's history, revoking a habilitation and
// transferring a request. Messages.Life returns them in the catalogue's
// language.
type LifeWords struct {
	// Keys' help: H, T and O.
	KeyHabilitations, KeyTransfer, KeyOrganization string

	// ReopeningOf heads the review of a reopening: the habilitation it
	// changes and since when it is active.
	ReopeningOf func(id string, since time.Time) string
	// ComparedWith titles the scopes of a reopening.
	ComparedWith func(id string) string
	// Kept, Added and Removed mark each scope of a reopening.
	Kept, Added, Removed string
	// MissingPrerequisite is the flag of a request whose organisation
	// holds no active habilitation of the definition it requires.
	MissingPrerequisite func(api string) string

	// The habilitations view.
	Title        string
	TabAll       string
	Status       func(s instruct.HabilitationStatus) string
	Empty        string
	Columns      []string // ID, request, API, status, organisation, since
	ApprovedBy   func(name string, at time.Time) string
	Token        func(id string, at time.Time) string
	TokenID      func(id string) string
	NoToken      string
	RevokedOn    func(at time.Time) string
	Comment      string
	FrozenFields string
	// RevocationWaiting marks a habilitation whose revocation waits to be
	// sent.
	RevocationWaiting string

	// The organisation's history.
	History  func(org, siret string) string
	Requests string
	Habs     string
	Nothing  string

	// Revoking and transferring.
	RevokeTitle   func(id string) string
	LosesAccess   func(org, api string, scopes []string) string
	CommentPrompt string
	EmailPrompt   string
	KnownEmails   string
	TransferTitle func(id, org string) string
	TransferTo    func(id, org, to string) string
	EditHint      string
	ConfirmHint   string
	NotActive     func(id string) string
	// UnknownEmail says why the server refused a transfer: nobody has
	// that e-mail.
	UnknownEmail func(email string) string
	NoSelection  string
	Revoking     func(id string) string
	Transferring func(id, to string) string
	// Date writes a day in words: 12 March 2026.
	Date func(t time.Time) string
}

// Life returns the words of habilitations in the catalogue's language,
// dates in loc (nil: as given).
func (m Messages) Life(loc *time.Location) LifeWords {
	if m.Lang == "fr" {
		return frenchLife(loc)
	}
	return englishLife(loc)
}

// inZone returns t in loc, or t when loc is nil.
func inZone(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t
	}
	return t.In(loc)
}

var (
	englishMonths = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	frenchMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
)

func dayMonthYear(t time.Time, months []string) string {
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

func englishLife(loc *time.Location) LifeWords {
	w := LifeWords{
		KeyHabilitations: "habilitations", KeyTransfer: "transfer", KeyOrganization: "organisation's history",
		Kept: "kept", Added: "added", Removed: "removed",
		Title: "Habilitations", TabAll: "All",
		Status: func(s instruct.HabilitationStatus) string {
			switch s {
			case instruct.HabilitationActive:
				return "active"
			case instruct.HabilitationObsolete:
				return "obsolete"
			case instruct.HabilitationRevoked:
				return "revoked"
			}
			return "unknown status"
		},
		Empty:             "No habilitation.",
		Columns:           []string{"ID", "Request", "API", "Status", "Organisation", "Since"},
		NoToken:           "No token issued by the provider yet.",
		Comment:           "Comment",
		FrozenFields:      "As approved",
		RevocationWaiting: "revocation waiting to sync",
		Requests:          "Requests", Habs: "Habilitations", Nothing: "None.",
		CommentPrompt: "Comment (required, sent to the applicant)",
		EmailPrompt:   "E-mail of the new applicant",
		KnownEmails:   "↑/↓ pick a known e-mail",
		EditHint:      "Enter: next · Esc: cancel",
		ConfirmHint:   "y: confirm · n or Esc: go back",
		NoSelection:   "No habilitation selected.",
	}
	w.Date = func(t time.Time) string { return dayMonthYear(inZone(t, loc), englishMonths) }
	w.ReopeningOf = func(id string, since time.Time) string {
		return "Reopening of " + id + " (active since " + w.Date(since) + ")"
	}
	w.ComparedWith = func(id string) string { return "Compared with " + id }
	w.MissingPrerequisite = func(api string) string { return "No active " + api + " habilitation for this SIRET" }
	w.ApprovedBy = func(name string, at time.Time) string { return "Approved by " + name + " on " + w.Date(at) }
	w.Token = func(id string, at time.Time) string {
		return "Token issued by the provider on " + w.Date(at) + " (" + id + ")"
	}
	w.TokenID = func(id string) string { return "Token issued by the provider (" + id + ")" }
	w.RevokedOn = func(at time.Time) string { return "Revoked on " + w.Date(at) }
	w.History = func(org, siret string) string { return "History of " + org + " (SIRET " + siret + ")" }
	w.RevokeTitle = func(id string) string { return "Revoke " + id }
	w.LosesAccess = func(org, api string, scopes []string) string {
		return org + " loses access to " + api + ": " + strings.Join(scopes, ", ") + "."
	}
	w.TransferTitle = func(id, org string) string { return "Transfer " + id + " (" + org + ")" }
	w.TransferTo = func(id, org, to string) string {
		return id + " (" + org + ") and its habilitations go to " + to + "."
	}
	w.NotActive = func(id string) string { return id + " is not active: there is nothing to revoke." }
	w.UnknownEmail = func(email string) string {
		return "Transfer refused: no user has the e-mail " + email + " (the new applicant needs an account)."
	}
	w.Revoking = func(id string) string { return id + ": revocation recorded, waiting to sync." }
	w.Transferring = func(id, to string) string { return id + ": transfer to " + to + " recorded, waiting to sync." }
	return w
}

func frenchLife(loc *time.Location) LifeWords {
	w := LifeWords{
		KeyHabilitations: "habilitations", KeyTransfer: "transférer", KeyOrganization: "historique de l’organisation",
		Kept: "conservée", Added: "ajoutée", Removed: "retirée",
		Title: "Habilitations", TabAll: "Toutes",
		Status: func(s instruct.HabilitationStatus) string {
			switch s {
			case instruct.HabilitationActive:
				return "active"
			case instruct.HabilitationObsolete:
				return "obsolète"
			case instruct.HabilitationRevoked:
				return "révoquée"
			}
			return "statut inconnu"
		},
		Empty:             "Aucune habilitation.",
		Columns:           []string{"N°", "Demande", "API", "Statut", "Organisation", "Depuis"},
		NoToken:           "Aucun jeton délivré par le fournisseur pour l’instant.",
		Comment:           "Commentaire",
		FrozenFields:      "Telle que validée",
		RevocationWaiting: "révocation en attente d’envoi",
		Requests:          "Demandes", Habs: "Habilitations", Nothing: "Aucune.",
		CommentPrompt: "Commentaire (obligatoire, envoyé au demandeur)",
		EmailPrompt:   "E-mail du nouveau demandeur",
		KnownEmails:   "↑/↓ choisir un e-mail connu",
		EditHint:      "Entrée : suivant · Échap : annuler",
		ConfirmHint:   "y : confirmer · n ou Échap : revenir",
		NoSelection:   "Aucune habilitation sélectionnée.",
	}
	w.Date = func(t time.Time) string { return dayMonthYear(inZone(t, loc), frenchMonths) }
	w.ReopeningOf = func(id string, since time.Time) string {
		return "Réouverture de " + id + " (active depuis le " + w.Date(since) + ")"
	}
	w.ComparedWith = func(id string) string { return "Par rapport à " + id }
	w.MissingPrerequisite = func(api string) string { return "Aucune habilitation " + api + " active pour ce SIRET" }
	w.ApprovedBy = func(name string, at time.Time) string { return "Validée par " + name + " le " + w.Date(at) }
	w.Token = func(id string, at time.Time) string {
		return "Jeton délivré par le fournisseur le " + w.Date(at) + " (" + id + ")"
	}
	w.TokenID = func(id string) string { return "Jeton délivré par le fournisseur (" + id + ")" }
	w.RevokedOn = func(at time.Time) string { return "Révoquée le " + w.Date(at) }
	w.History = func(org, siret string) string { return "Historique de " + org + " (SIRET " + siret + ")" }
	w.RevokeTitle = func(id string) string { return "Révoquer " + id }
	w.LosesAccess = func(org, api string, scopes []string) string {
		return org + " perd l’accès à " + api + " : " + strings.Join(scopes, ", ") + "."
	}
	w.TransferTitle = func(id, org string) string { return "Transférer " + id + " (" + org + ")" }
	w.TransferTo = func(id, org, to string) string {
		return id + " (" + org + ") et ses habilitations passent à " + to + "."
	}
	w.NotActive = func(id string) string { return id + " n’est pas active : rien à révoquer." }
	w.UnknownEmail = func(email string) string {
		return "Transfert refusé : aucun utilisateur n’a l’e-mail " + email + " (le nouveau demandeur doit avoir un compte)."
	}
	w.Revoking = func(id string) string { return id + " : révocation enregistrée, en attente d’envoi." }
	w.Transferring = func(id, to string) string {
		return id + " : transfert à " + to + " enregistré, en attente d’envoi."
	}
	return w
}
