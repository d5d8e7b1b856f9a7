// Package i18n holds the words of the reviewer's screen in French and
// English. A catalogue is a plain value built per program: there is no
// package-level state, so programs in one process may speak different
// languages.
package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Messages is one language's catalogue. Fields that take arguments are
// functions so that each language orders words its own way.
type Messages struct {
	Lang string

	// Status bar.
	AppName     string
	Online      string
	Offline     string
	Syncing     string
	NeverSynced string
	NoSync      string
	SyncedAgo   func(d time.Duration) string
	PendingN    func(n int) string
	// ReadOnlyAccess names the APIs the reviewer may only read.
	ReadOnlyAccess func(apis string) string
	// ReadOnly marks a screen that offers no decision.
	ReadOnly string
	// ReadOnlyHelp says, in the help, why no decision key is listed.
	ReadOnlyHelp func(api string) string
	ConflictsN   func(n int) string
	RejectedN    func(n int) string
	// SyncError says a failed sync in the language's own words, by its
	// code; msg, the engine's own text, goes to the log, never here.
	SyncError func(code instruct.Code, msg string) string
	// Fault says a failure the reviewer acts on in their own way
	// (server out of reach or unavailable, full disk, damaged cache).
	Fault func(f instruct.Fault) string
	// CacheDamaged is the sync state while the cache is damaged.
	CacheDamaged string

	// Queue and tabs.
	QueueTitle func(n int) string
	Loading    string
	NoRequests string
	NoMatch    string
	// MatchesIn counts the matches of a search in another tab;
	// NoMatchHere says the tab has none, lists where they are and
	// which tab Enter goes to.
	MatchesIn   func(n int, tab string) string
	NoMatchHere func(elsewhere []string, goTo string) string
	TabAll      string
	Tab         func(s instruct.Status) string
	TabShort    func(s instruct.Status) string
	AllAPIs     string
	// EveryAPI, PickAPI and CurrentFilter are the list of APIs f
	// opens: its first item, its title, the mark of the filter in force.
	EveryAPI      string
	PickAPI       string
	CurrentFilter string
	FilterBy      func(api string) string
	SortBy        func(s instruct.Sort) string
	SearchHint    string
	Age           func(d time.Duration) string
	Op            func(s instruct.OpState) string
	OpOf          func(s instruct.OpState, k instruct.Kind) string
	Overdue       string

	// Review.
	Status func(s instruct.Status) string
	// StatusShort is a status in a word, for the queue's column.
	StatusShort func(s instruct.Status) string
	// Submissions says when a request was first submitted (a date) and
	// how long ago it was last; again is true when that was a later
	// submission.
	Submissions func(first string, ago time.Duration, again bool) string
	PaneDetails string
	PaneLegal   string
	PaneScopes  string
	Field       func(name string) string
	// Labelled writes a label before its value, with the colon each
	// language spaces its own way ("Status: approved", "Statut : validée").
	Labelled       func(label, value string) string
	ContactRole    func(role string) string
	YesNo          func(b bool) string
	None           string
	Months         func(n int) string
	OutsideCatalog string
	Included       string
	Flag           func(f instruct.Flag, r instruct.Request, unknown []string) string
	ChooseRequest  string
	More           string

	// Timeline.
	TimelineTitle func(id string) string
	Did           func(k instruct.Kind) string
	ChangedSince  string
	// DiffCut says a value of a diff was stored cut; ScopeOutside marks
	// a scope a diff names that the catalogue lacks.
	DiffCut      string
	ScopeOutside string
	// InternalNote marks an internal note wherever it is shown.
	InternalNote string
	NoEvents     string
	DateTime     func(t time.Time) string
	Quote        func(s string) string
	Date         func(t time.Time) string
	// Stamp is a date and time as a legal record needs it: with its
	// offset from UTC ("02/03/2026 10:15 UTC+01:00").
	Stamp func(t time.Time) string
	// Zone names the time zone dates and times are shown in (InZone);
	// ZoneNote says so, where a record needs it.
	Zone     string
	ZoneNote func(zone string) string

	// Decision form and confirmation.
	Decision    func(k instruct.Kind) string
	FormHint    func(k instruct.Kind) string
	NoTemplates string
	// PickTemplate and PickHint head and end the list of templates;
	// TemplateInserted names the one just put in the comment.
	PickTemplate     string
	PickHint         string
	TemplateInserted func(title string) string
	Confirm          func(k instruct.Kind, id, org string) string
	ConfirmHint      string
	EnterNever       string
	Recording        string
	ErrComment       func(k instruct.Kind) string
	ErrTransition    func(k instruct.Kind, s instruct.Status) string
	ErrTooLong       func(n int) string
	ErrNotFound      string
	// ErrWaiting says a decision on request id is still waiting to be
	// sent, so another cannot follow yet.
	ErrWaiting func(id string) string
	// ErrCode says in plain words what an error of code c means; the
	// error's own text (English, or the applicant's) never shows.
	ErrCode       func(c instruct.Code) string
	ErrOther      func(msg string) string
	CannotDecide  func(def string) string
	ReplacesYours string
	// LeaveQuestion and LeaveHint ask before a written comment is
	// thrown away.
	LeaveQuestion string
	LeaveHint     string
	// DraftRestored and ConflictRestored say where a comment put back
	// in a new form comes from.
	DraftRestored    string
	ConflictRestored string
	// DiscardQuestion asks before the reviewer's decision of kind k on
	// request id, in conflict or rejected, is discarded.
	DiscardQuestion func(k instruct.Kind, id string) string

	// Conflicts.
	ConflictTitle string
	YourDecision  func(k instruct.Kind) string
	Happened      func(actor string, k instruct.Kind, at string) string
	ConflictHint  string
	RejectedTitle string
	RejectedHint  string
	// RejectedWhy says why the server rejected a decision on request id,
	// from the error code it answered; with none (an operation rejected
	// before codes were kept), where its own words are.
	RejectedWhy func(c instruct.Code, id string) string

	// Meanwhile tells, in an open form, that actor decided k on the
	// request ago, with their comment; MeanwhileHint the reviewer's
	// choices then.
	Meanwhile     func(actor string, k instruct.Kind, ago time.Duration, comment string) string
	MeanwhileHint string

	// Notices.
	Recorded      func(k instruct.Kind, id string) string
	Discarded     func(id string) string
	SyncRequested string
	NoSyncer      string
	CacheError    func(msg string) string
	NoSelection   string
	// Copied says what y put in the clipboard: the request's ID, or
	// the comment of author.
	CopiedID      func(id string) string
	CopiedComment func(author string) string
	// CacheRepairing says a read found the cache damaged and a repair
	// with a sync is under way.
	CacheRepairing string
	// Recovered says in one line how a broken cache was replaced: why,
	// what of its queue was saved and lost, where the old file went.
	Recovered func(r instruct.CacheRecovery) string

	// Command line: what `instruct sync` and the commands on the cache
	// say of the sync and of a replaced cache.
	Synced     func(pending, conflicts, rejected int) string
	SyncFailed func(reason string, kept int) string
	// Resynced follows a line saying how the cache was replaced, after
	// Then; RunAgain is Resynced for a command to run again.
	Resynced string
	RunAgain string
	// NotResynced is RunAgain when no server is configured to fill the
	// cache again.
	NotResynced string
	// Then joins the parts of one line, as a semicolon does.
	Then string

	// Provider names the API provider as the actor of its events.
	Provider string

	// Help and sizes.
	HelpTitle string
	// HelpScroll says which lines of a help taller than the screen are
	// shown, and that j/k scroll it.
	HelpScroll func(first, last, total int) string
	Legend     string
	TooSmall   func(w, h, minW, minH int) string

	Keys KeyHelp
}

// KeyHelp describes every key binding in the help.
type KeyHelp struct {
	Up, Down, Top, Bottom, PageUp, PageDown             string
	Open, Back, NextTab, PrevTab                        string
	Panes, NextPane, PrevPane, NextRequest, PrevRequest string
	Approve, Refuse, RequestChanges, Note, Timeline     string
	Revoke, Archive, Message                            string
	Search, Filter, Sort, Sync, Help, Quit              string
	Discard, Send, Template, Cancel, Confirm, GoBack    string
	Pick                                                string
	SearchDone, SearchClear, Close                      string
	Copy                                                string
	Claim                                               string
	Stats                                               string
	Choose                                              string
	// Conversation is the help of M: the messages with the applicant.
	Conversation string
}

// For returns the catalogue of lang: French for "fr" and any "fr_…" or
// "fr-…" locale, English otherwise.
func For(lang string) Messages {
	l := strings.ToLower(lang)
	if l == "fr" || strings.HasPrefix(l, "fr_") || strings.HasPrefix(l, "fr-") {
		return French()
	}
	return English()
}

// Who names actor a: the API provider in the screen's language, anyone
// else by their name.
func (m Messages) Who(a instruct.Actor) string {
	if a.ID == instruct.ProviderActorID {
		return m.Provider
	}
	return a.Name
}

// InZone returns the catalogue with every date and time shown in loc
// (the reviewer's zone), and Zone naming it.
func (m Messages) InZone(loc *time.Location) Messages {
	dt, d := m.DateTime, m.Date
	m.DateTime = func(t time.Time) string { return dt(t.In(loc)) }
	m.Date = func(t time.Time) string { return d(t.In(loc)) }
	m.Stamp = func(t time.Time) string { return stamp(dt, t.In(loc)) }
	m.Zone = ZoneName(loc)
	return m
}

// ZoneName names loc by its IANA name ("Europe/Paris"); the system's zone
// when Go only knows it as "Local" by its abbreviation now ("CET").
func ZoneName(loc *time.Location) string {
	if name := loc.String(); name != "Local" && name != "" {
		return name
	}
	abbr, _ := time.Now().In(loc).Zone()
	return abbr
}

// stamp writes t with dateTime and its offset from UTC.
func stamp(dateTime func(time.Time) string, t time.Time) string {
	return dateTime(t) + " " + UTCOffset(t)
}

// UTCOffset writes the offset of t's zone from UTC: "UTC", "UTC+01:00",
// "UTC-03:00".
func UTCOffset(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, off/3600, off%3600/60)
}

// lookup returns m[k], or the key itself when the catalogue lacks it.
func lookup[K ~string](m map[K]string, k K) string {
	if v, ok := m[k]; ok {
		return v
	}
	return string(k)
}

// compactDuration writes d as its largest whole unit: 4 s, 3 min, 2 h,
// 12 j (French) or 12 d (English).
func compactDuration(d time.Duration, day string) string {
	switch {
	case d < 0:
		d = 0
		fallthrough
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " " + day
}

// plural returns one when n is 1 (and 0, in French), many otherwise.
func plural(n int, one, many string, zeroIsOne bool) string {
	if n == 1 || n == 0 && zeroIsOne {
		return one
	}
	return many
}

// elide writes French "de" before word: "d'" before a vowel.
func elide(word string) string {
	if word != "" && strings.ContainsRune("aeiouéèêh", []rune(word)[0]) {
		return "d'" + word
	}
	return "de " + word
}

// choose returns yes when b holds, no otherwise.
func choose(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
