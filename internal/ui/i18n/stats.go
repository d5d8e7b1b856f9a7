package i18n

import (
	"strconv"
	"strings"
)

// StatsWords are the words of the statistics: the S screen and `instruct
// stats`. Messages.Stats returns them in the catalogue's language.
type StatsWords struct {
	// Title heads the screen.
	Title string
	// Range writes the days covered.
	Range func(from, to string) string
	// The volumes of the range, as labels.
	Submitted, Validated, Refused, ChangesRequested, Backlog string
	// FirstDecision and FinalDecision head the two durations' columns;
	// P50 and P80 their percentiles.
	FirstDecision, FinalDecision, P50, P80 string
	// Days writes a duration in days, or a dash when there is none.
	Days func(d *float64) string
	// BacklogChart and WeeklyChart head the two charts, the second with
	// the marks of its two bars.
	BacklogChart, WeeklyChart string
	// Delays heads the table of durations per API.
	Delays string
	// Longest heads the requests waiting longest; NoneWaiting says none
	// does.
	Longest, NoneWaiting string
	// Waiting writes how long a request has waited.
	Waiting func(days int) string
	// MyWeek counts the reviewer's decisions this week.
	MyWeek func(n int) string
	// Unavailable says the screen has no statistics to show here.
	Unavailable string
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
		Title:     "Statistics",
		Range:     func(from, to string) string { return from + " to " + to + " (UTC)" },
		Submitted: "submitted", Validated: "approved", Refused: "refused", ChangesRequested: "changes requested",
		Backlog:       "waiting",
		FirstDecision: "first decision", FinalDecision: "final decision", P50: "median", P80: "80%",
		Days: func(d *float64) string {
			if d == nil {
				return "—"
			}
			return decimal(*d, ".") + " d"
		},
		BacklogChart: "Waiting at the end of each week", WeeklyChart: "Submitted █ and decided ▒ per week",
		Delays:  "Days to decide, per API",
		Longest: "Waiting longest", NoneWaiting: "Nothing waits for a reviewer.",
		Waiting: func(days int) string { return strconv.Itoa(days) + " d" },
		MyWeek: func(n int) string {
			return "My decisions this week: " + strconv.Itoa(n)
		},
		Unavailable: "No statistics here.",
	}
}

func frenchStats() StatsWords {
	return StatsWords{
		Title:     "Statistiques",
		Range:     func(from, to string) string { return "du " + from + " au " + to + " (UTC)" },
		Submitted: "déposées", Validated: "validées", Refused: "refusées", ChangesRequested: "modifs demandées",
		Backlog:       "en attente",
		FirstDecision: "1re décision", FinalDecision: "décision finale", P50: "médiane", P80: "80 %",
		Days: func(d *float64) string {
			if d == nil {
				return "—"
			}
			return decimal(*d, ",") + " j"
		},
		BacklogChart: "En attente en fin de semaine", WeeklyChart: "Déposées █ et décidées ▒ par semaine",
		Delays:  "Jours pour décider, par API",
		Longest: "En attente depuis le plus longtemps", NoneWaiting: "Aucune demande n’attend d’instructeur.",
		Waiting: func(days int) string { return strconv.Itoa(days) + " j" },
		MyWeek: func(n int) string {
			return "Mes décisions cette semaine : " + strconv.Itoa(n)
		},
		Unavailable: "Pas de statistiques ici.",
	}
}
