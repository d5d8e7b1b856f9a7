package i18n

import (
	"fmt"
	"strings"
	"time"
)

// ConversationWords are the words of the conversation with the
// applicant (M) and of the deliveries the history shows under the event
// that caused them. Messages.Conversation returns them in the
// catalogue's language.
type ConversationWords struct {
	// Title names the conversation of a request.
	Title func(id string) string
	// FromApplicant heads a message of the applicant, FromReviewer one a
	// reviewer wrote to the applicant.
	FromApplicant func(name string) string
	FromReviewer  func(name string) string
	// None says no message was written either way yet.
	None string
	// ToReviewers is what the history says an applicant's message did,
	// in place of "wrote to the applicant".
	ToReviewers string
	// Mail and Webhook name a delivery: its channel and its target (an
	// e-mail address masked, a host).
	Mail    func(target string) string
	Webhook func(target string) string
	// Colon comes between a delivery's name and how its attempts went.
	Colon string
	// Delivered, Waiting, Retrying and Failed say where a delivery
	// stands: sent; not tried yet; failed n times, tried again at next
	// (a time or date); given up after n attempts.
	Delivered string
	Waiting   string
	Retrying  func(n int, next string) string
	Failed    func(n int) string
	// At writes the time of a next attempt in the reviewer's zone: its
	// hour when it is today, its date and hour otherwise.
	At func(t, now time.Time) string
}

// Conversation returns the conversation words of the catalogue's
// language.
func (m Messages) Conversation() ConversationWords {
	w := englishConversation()
	if m.Lang == "fr" {
		w = frenchConversation()
	}
	w.At = func(t, now time.Time) string {
		full := m.DateTime(t)
		if m.Date(t) != m.Date(now) {
			return full
		}
		return full[strings.LastIndexByte(full, ' ')+1:]
	}
	return w
}

func englishConversation() ConversationWords {
	return ConversationWords{
		Title:         func(id string) string { return "Conversation with the applicant · " + id },
		FromApplicant: func(name string) string { return name + ", the applicant, wrote" },
		FromReviewer:  func(name string) string { return name + " wrote to the applicant" },
		None:          "No message with the applicant yet: m writes one.",
		ToReviewers:   "wrote to the reviewers",
		Mail:          func(target string) string { return "mail to " + target },
		Webhook:       func(target string) string { return "webhook to " + target },
		Colon:         ": ",
		Delivered:     "delivered",
		Waiting:       "waiting to be sent",
		Retrying: func(n int, next string) string {
			return fmt.Sprintf("failed %s, next try %s", times(n, "time", "times"), next)
		},
		Failed: func(n int) string { return fmt.Sprintf("failed for good after %s", times(n, "attempt", "attempts")) },
	}
}

func frenchConversation() ConversationWords {
	return ConversationWords{
		Title:         func(id string) string { return "Correspondance avec le demandeur · " + id },
		FromApplicant: func(name string) string { return name + ", le demandeur, a écrit" },
		FromReviewer:  func(name string) string { return name + " a écrit au demandeur" },
		None:          "Aucun message échangé avec le demandeur : m pour lui écrire.",
		ToReviewers:   "a écrit aux instructeurs",
		Mail:          func(target string) string { return "courriel à " + target },
		Webhook:       func(target string) string { return "webhook vers " + target },
		Colon:         " : ",
		Delivered:     "remis",
		Waiting:       "en attente d’envoi",
		Retrying: func(n int, next string) string {
			return fmt.Sprintf("%s, prochain essai à %s", times(n, "échec", "échecs"), next)
		},
		Failed: func(n int) string { return fmt.Sprintf("abandonné après %s", times(n, "essai", "essais")) },
	}
}

// times writes n with the singular or plural word.
func times(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
