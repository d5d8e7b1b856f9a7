package sshd

import (
	"fmt"
	"strings"
	"time"
)

// messages are what a session prints outside the screen, in the
// session's language.
type messages struct {
	refused     string
	noRole      string
	noPTY       string
	unavailable string
	preparing   string
	withdrawn   string
	idle        func(d time.Duration) string
}

func messagesFor(lang string) messages {
	if strings.HasPrefix(lang, "fr") {
		return messages{
			refused:     "Cette clé n'a pas pu être confirmée : connexion refusée.",
			noRole:      "Votre compte n'a de rôle sur aucune API : connexion refusée.",
			noPTY:       "instruct a besoin d'un terminal : connectez-vous avec ssh -t, ou sans commande.",
			unavailable: "Votre espace de travail n'a pas pu être préparé ; réessayez dans un instant.",
			preparing:   "Préparation de votre espace de travail (première synchronisation)…",
			withdrawn:   "Votre accès a été retiré (clé ou rôles) : session fermée.",
			idle: func(d time.Duration) string {
				return fmt.Sprintf("Session fermée après %s sans activité.", d)
			},
		}
	}
	return messages{
		refused:     "This key could not be confirmed: connection refused.",
		noRole:      "Your account holds no role on any API: connection refused.",
		noPTY:       "instruct needs a terminal: connect with ssh -t, or without a command.",
		unavailable: "Your workspace could not be prepared; try again in a moment.",
		preparing:   "Preparing your workspace (first sync)…",
		withdrawn:   "Your access was withdrawn (key or roles): session closed.",
		idle: func(d time.Duration) string {
			return fmt.Sprintf("Session closed after %s without activity.", d)
		},
	}
}

// environ returns a getenv over a session's "KEY=value" environment; the
// last value of a key wins, as in a shell.
func environ(env []string) func(string) string {
	return func(name string) string {
		var v string
		for _, kv := range env {
			if k, val, ok := strings.Cut(kv, "="); ok && k == name {
				v = val
			}
		}
		return v
	}
}
