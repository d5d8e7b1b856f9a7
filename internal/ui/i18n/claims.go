package i18n

import (
	"time"
)

// ClaimWords are the words of claims and of the queue's marks: who holds
// a request, the question before taking it from them, the Mine tab, who
// decided, and the review deadline. Messages.Claims returns them in the
// catalogue's language.
type ClaimWords struct {
	// Key is the help of C.
	Key string
	// TabMine is the tab of what the reviewer holds, decided or has
	// operations on.
	TabMine string
	// Held says who holds the request and since when, for the review's
	// header; HeldByYou when it is the reviewer.
	Held      func(name, since string) string
	HeldByYou func(since string) string
	// Ask is the question before taking the request from its holder.
	Ask func(name, id, since string) string
	// AskHint is the keys that answer it.
	AskHint string
	// OnlyManager says a reviewer cannot take a request another holds.
	OnlyManager func(name, id, since, api string) string
	// Taken, Left and LeftTo say what C recorded, or that the reviewer
	// left the request to its holder.
	Taken  func(id string) string
	Left   func(id string) string
	LeftTo func(id, name string) string
	// DueIn and Late say the review deadline of a request waiting for a
	// decision: the time left, or how late it is.
	DueIn func(d time.Duration) string
	Late  func(d time.Duration) string
	// Decided names who made the latest decision and when.
	Decided func(name, date string) string
	// Legend explains the queue's marks in the help.
	Legend string
	// Since writes the time a claim began: the hour today, the date
	// before.
	Since func(t, now time.Time) string
}

// Claims returns the claim words of the catalogue's language.
func (m Messages) Claims() ClaimWords {
	if m.Lang == "fr" {
		return frenchClaims()
	}
	return englishClaims()
}

// since writes t as its hour when it is today (in t's zone), its date
// otherwise.
func since(t, now time.Time) string {
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02")
}

func englishClaims() ClaimWords {
	days := func(d time.Duration) string { return compactDuration(d, "d") }
	return ClaimWords{
		Key:       "take/leave",
		TabMine:   "Mine",
		Held:      func(name, since string) string { return "held by " + name + " since " + since },
		HeldByYou: func(since string) string { return "you hold it since " + since },
		Ask: func(name, id, since string) string {
			return name + " holds " + id + " since " + since + ": take it?"
		},
		AskHint: "y: take it · n or Esc: leave it to them",
		OnlyManager: func(name, id, since, api string) string {
			return name + " holds " + id + " since " + since + "; only a manager of " + api + " can take it from them."
		},
		Taken:   func(id string) string { return id + ": you take it (waiting to sync)." },
		Left:    func(id string) string { return id + ": you leave it." },
		LeftTo:  func(id, name string) string { return id + ": left to " + name + "." },
		DueIn:   func(d time.Duration) string { return "due in " + days(d) },
		Late:    func(d time.Duration) string { return days(d) + " late" },
		Decided: func(name, date string) string { return name + ", " + date },
		Legend:  "◆ someone holds it (● you do) · ✎ internal notes · @ unread message from the applicant",
		Since:   since,
	}
}

func frenchClaims() ClaimWords {
	days := func(d time.Duration) string { return compactDuration(d, "j") }
	return ClaimWords{
		Key:       "prendre/laisser",
		TabMine:   "Les miennes",
		Held:      func(name, since string) string { return "prise par " + name + " depuis " + since },
		HeldByYou: func(since string) string { return "vous l’avez prise depuis " + since },
		Ask: func(name, id, since string) string {
			return name + " a pris " + id + " depuis " + since + " : la lui reprendre ?"
		},
		AskHint: "y : la prendre · n ou Échap : la lui laisser",
		OnlyManager: func(name, id, since, api string) string {
			return name + " a pris " + id + " depuis " + since + " ; seul un responsable de " + api + " peut la lui reprendre."
		},
		Taken:   func(id string) string { return id + " : vous la prenez (en attente d’envoi)." },
		Left:    func(id string) string { return id + " : vous la laissez." },
		LeftTo:  func(id, name string) string { return id + " : laissée à " + name + "." },
		DueIn:   func(d time.Duration) string { return "échéance dans " + days(d) },
		Late:    func(d time.Duration) string { return days(d) + " de retard" },
		Decided: func(name, date string) string { return name + ", " + date },
		Legend:  "◆ quelqu’un l’a prise (● vous) · ✎ notes internes · @ message du demandeur non lu",
		Since:   since,
	}
}
