package i18n

import (
	"strconv"
	"strings"
)

// StatsWords are the words of the statistics: the S screen and `instruct
// stats`. Messages.Stats returns them in the catalogue's language.
type StatsWords struct {
	// Key is the help of S; Title heads the screen.
	Key, Title string
	// Range writes the days covered.
	Range func(from, to string) string
	// The volumes of the range, as labels.
	Submitted, Validated, Refused, ChangesRequested, Backlog string
	// FirstDecision and FinalDecision name the two durations; P50 and
	// P80 their percentiles.
	FirstDecision, FinalDecision, P50, P80 string
	// Days writes a duration in days, or None when there is none.
	Days func(d *float64) string
	None string
	// Week heads the weeks' column; Decided the decisions of a week.
	Week, Decided string
	// BacklogChart and WeeklyChart head the two charts; Legend explains
	// the weekly chart's marks.
	BacklogChart, WeeklyChart, Legend string
	// Delays heads the table of durations per API; API its column.
	Delays, API string
	// Longest heads the requests waiting longest; NoneWaiting says none
	// does.
	Longest, NoneWaiting string
	// Waiting writes how long a request has waited.
	Waiting func(days int) string
	// MyWeek counts the reviewer's decisions this week.
	MyWeek func(n int) string
	// Unavailable says the screen has no statistics to show here.
	Unavailable string
	// Keys is the screen's footer.
	Keys string
}

// Stats returns the statistics words of the catalogue's language.
func (m Messages) Stats() StatsWords {
	if m.Lang == "fr" {
		return frenchStats()
	}
	return englishStats()
}

// decimal writes d with one decimal, with sep as decimal separator.
func decimal(d float64, sep string) string {
	return strings.Replace(strconv.FormatFloat(d, 'f', 1, 64), ".", sep, 1)
}

func englishStats() StatsWords {
	return StatsWords{
		Key: "statistics", Title: "Statistics",
		Range:     func(from, to string) string { return from + " to " + to + " (UTC)" },
		Submitted: "submitted", Validated: "approved", Refused: "refused", ChangesRequested: "changes requested",
		Backlog:       "waiting",
		FirstDecision: "Time to first decision", FinalDecision: "Time to final decision", P50: "median", P80: "80%",
		Days: func(d *float64) string {
			if d == nil {
				return "—"
			}
			return decimal(*d, ".") + " d"
		},
		None: "—", Week: "week", Decided: "decided",
		BacklogChart: "Waiting at the end of each week", WeeklyChart: "Submitted and decided each week",
		Legend: "█ submitted · ▒ decided", Delays: "Days to decide, per API", API: "API",
		Longest: "Waiting longest", NoneWaiting: "Nothing waits for a reviewer.",
		Waiting: func(days int) string { return strconv.Itoa(days) + " d" },
		MyWeek: func(n int) string {
			return "My decisions this week: " + strconv.Itoa(n)
		},
		Unavailable: "No statistics here.",
		Keys:        "f filter by API · j/k choose · enter open · r refresh · esc back · ? help",
	}
}

func frenchStats() StatsWords {
	return StatsWords{
		Key: "statistiques", Title: "Statistiques",
		Range:     func(from, to string) string { return "du " + from + " au " + to + " (UTC)" },
		Submitted: "déposées", Validated: "validées", Refused: "refusées", ChangesRequested: "modifs demandées",
		Backlog:       "en attente",
		FirstDecision: "Délai de première décision", FinalDecision: "Délai de décision finale", P50: "médiane", P80: "80 %",
		Days: func(d *float64) string {
			if d == nil {
				return "—"
			}
			return decimal(*d, ",") + " j"
		},
		None: "—", Week: "semaine", Decided: "décidées",
		BacklogChart: "En attente à la fin de chaque semaine", WeeklyChart: "Déposées et décidées chaque semaine",
		Legend: "█ déposées · ▒ décidées", Delays: "Jours pour décider, par API", API: "API",
		Longest: "En attente depuis le plus longtemps", NoneWaiting: "Aucune demande n’attend d’instructeur.",
		Waiting: func(days int) string { return strconv.Itoa(days) + " j" },
		MyWeek: func(n int) string {
			return "Mes décisions cette semaine : " + strconv.Itoa(n)
		},
		Unavailable: "Pas de statistiques ici.",
		Keys:        "f filtrer par API · j/k choisir · entrée ouvrir · r actualiser · échap retour · ? aide",
	}
}
