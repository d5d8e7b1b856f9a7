package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// English returns the English catalogue.
func English() Messages {
	statuses := map[instruct.Status]string{
		instruct.StatusDraft: "draft", instruct.StatusSubmitted: "submitted",
		instruct.StatusChangesRequested: "changes requested", instruct.StatusValidated: "approved",
		instruct.StatusRefused: "refused", instruct.StatusRevoked: "revoked", instruct.StatusArchived: "archived",
	}
	tabs := map[instruct.Status]string{
		instruct.StatusSubmitted: "To review", instruct.StatusChangesRequested: "Changes requested",
		instruct.StatusValidated: "Approved", instruct.StatusRefused: "Refused",
		instruct.StatusRevoked: "Revoked", instruct.StatusArchived: "Archived", instruct.StatusDraft: "Drafts",
	}
	short := map[instruct.Status]string{
		instruct.StatusSubmitted: "To review", instruct.StatusChangesRequested: "Changes",
		instruct.StatusValidated: "Approved", instruct.StatusRefused: "Refused",
	}
	shortStatuses := map[instruct.Status]string{
		instruct.StatusDraft: "draft", instruct.StatusSubmitted: "submitted",
		instruct.StatusChangesRequested: "changes", instruct.StatusValidated: "approved",
		instruct.StatusRefused: "refused", instruct.StatusRevoked: "revoked", instruct.StatusArchived: "archived",
	}
	ops := map[instruct.OpState]string{
		instruct.OpPending: "pending", instruct.OpSending: "sending", instruct.OpConflict: "conflict",
		instruct.OpRejected: "rejected", instruct.OpAccepted: "accepted",
	}
	fields := map[string]string{
		"definition": "API", "title": "Title", "description": "Description", "organization": "Organisation",
		"applicant": "Applicant", "contacts": "Contacts", "legal_basis": "Legal basis", "scopes": "Data",
		"data_recipients": "Recipients", "retention_months": "Retention (months)",
		"retention_justification": "Retention justification", "volumetry": "Expected volume",
		"production_date": "Production date", "terms_accepted": "Terms accepted",
		"dpo_informed": "DPO informed", "siret": "SIRET", "city": "City", "name": "Name", "email": "E-mail", "status": "Status",
		"created_at": "Created", "submitted_at": "Submitted", "updated_at": "Updated",
		"version": "Version", "nature": "Text", "url": "Link", "document": "Attached document",
		"retention": "Retention", "declarations": "Declarations", "reopening": "Reopening",
	}
	roles := map[string]string{
		instruct.ContactDPO: "Data protection officer", instruct.ContactController: "Data controller",
		instruct.ContactTechnical: "Technical contact",
	}
	did := map[instruct.Kind]string{
		instruct.KindCreate: "created the request", instruct.KindUpdate: "edited the request",
		instruct.KindSubmit: "submitted the request", instruct.KindApprove: "approved",
		instruct.KindRefuse: "refused", instruct.KindRequestChanges: "requested changes",
		instruct.KindRevoke: "revoked", instruct.KindArchive: "archived",
		instruct.KindNote: "wrote an internal note", instruct.KindMessage: "wrote to the applicant",
		instruct.KindClaim: "took the request", instruct.KindRelease: "left the request",
		instruct.KindReopen: "reopened the request", instruct.KindCancelReopening: "cancelled the reopening",
		instruct.KindTransfer: "transferred the request", instruct.KindTokenDelivered: "issued the token",
	}
	decisions := map[instruct.Kind]string{
		instruct.KindApprove: "Approve", instruct.KindRefuse: "Refuse",
		instruct.KindRequestChanges: "Request changes", instruct.KindNote: "Internal note",
		instruct.KindRevoke: "Revoke", instruct.KindArchive: "Archive", instruct.KindMessage: "Message",
		instruct.KindClaim: "Take", instruct.KindRelease: "Leave",
		instruct.KindCreate: "Create", instruct.KindUpdate: "Update", instruct.KindSubmit: "Submit",
		instruct.KindReopen: "Reopen", instruct.KindCancelReopening: "Cancel the reopening",
		instruct.KindTransfer: "Transfer", instruct.KindTokenDelivered: "Token issued",
	}
	infinitive := map[instruct.Kind]string{
		instruct.KindApprove: "approve", instruct.KindRefuse: "refuse",
		instruct.KindRequestChanges: "request changes on", instruct.KindNote: "annotate",
		instruct.KindRevoke: "revoke", instruct.KindArchive: "archive",
		instruct.KindReopen: "reopen", instruct.KindCancelReopening: "cancel the reopening of",
		instruct.KindTransfer: "transfer", instruct.KindTokenDelivered: "issue a token for",
	}
	// state is a status as it follows "a request that is".
	state := map[instruct.Status]string{
		instruct.StatusDraft: "still a draft", instruct.StatusSubmitted: "submitted",
		instruct.StatusChangesRequested: "awaiting changes", instruct.StatusValidated: "approved",
		instruct.StatusRefused: "refused", instruct.StatusRevoked: "revoked", instruct.StatusArchived: "archived",
	}
	recorded := map[instruct.Kind]string{
		instruct.KindApprove: "approval", instruct.KindRefuse: "refusal",
		instruct.KindRequestChanges: "request for changes", instruct.KindNote: "note",
		instruct.KindRevoke: "revocation", instruct.KindArchive: "archiving", instruct.KindMessage: "message",
		instruct.KindReopen: "reopening", instruct.KindCancelReopening: "end of the reopening",
		instruct.KindTransfer: "transfer", instruct.KindTokenDelivered: "token issued",
	}
	sorts := map[instruct.Sort]string{
		instruct.SortAge: "age", instruct.SortUpdated: "last update", instruct.SortOrganization: "organisation",
	}
	ago := func(d time.Duration) string { return compactDuration(d, "d") }
	return Messages{
		Lang:           "en",
		AppName:        "instruct",
		Online:         "online",
		Offline:        "offline",
		Syncing:        "syncing…",
		NeverSynced:    "never synced",
		NoSync:         "no sync",
		SyncedAgo:      func(d time.Duration) string { return "synced " + ago(d) + " ago" },
		ReadOnlyAccess: func(apis string) string { return "read-only access to " + apis },
		ReadOnly:       "read-only",
		ReadOnlyHelp: func(api string) string {
			return "Read-only access to " + api + " requests: you may read them, search them, copy from them, not decide on them."
		},
		PendingN:   func(n int) string { return strconv.Itoa(n) + " pending" },
		ConflictsN: func(n int) string { return strconv.Itoa(n) + plural(n, " conflict", " conflicts", false) },
		RejectedN:  func(n int) string { return strconv.Itoa(n) + " rejected" },
		SyncError: func(code instruct.Code, msg string) string {
			switch code {
			case instruct.CodeUnavailable:
				return "server out of reach, decisions kept"
			case instruct.CodeUnauthorized:
				return "the server refuses the token: sign in again (instruct login)"
			case instruct.CodeRateLimited:
				return "server busy; trying again shortly"
			}
			return "sync error: " + englishCode(code)
		},
		Fault: func(f instruct.Fault) string {
			return lookup(map[instruct.Fault]string{
				instruct.FaultUnreachable:       "server out of reach, decisions kept",
				instruct.FaultServerUnavailable: "server unavailable, decisions kept",
				instruct.FaultDiskFull:          "disk full: free some space; decisions kept",
				instruct.FaultCacheDamaged:      "cache damaged and still open in another instruct: close it",
			}, f)
		},
		CacheDamaged: "cache damaged",

		QueueTitle: func(n int) string { return "Queue · " + strconv.Itoa(n) },
		Loading:    "Loading…",
		NoRequests: "No requests in this tab.",
		NoMatch:    "No request matches the search.",
		MatchesIn:  func(n int, tab string) string { return strconv.Itoa(n) + " in " + tab },
		NoMatchHere: func(elsewhere []string, goTo string) string {
			return "No match in this tab · " + strings.Join(elsewhere, ", ") + " · enter: go to " + goTo
		},
		TabAll: "All",
		Tab:    func(s instruct.Status) string { return lookup(tabs, s) },
		TabShort: func(s instruct.Status) string {
			if v, ok := short[s]; ok {
				return v
			}
			return lookup(tabs, s)
		},
		AllAPIs:       "all APIs",
		EveryAPI:      "All APIs",
		PickAPI:       "Filter the queue by API",
		CurrentFilter: "(current filter)",
		FilterBy:      func(api string) string { return "API: " + api },
		SortBy:        func(s instruct.Sort) string { return "sort: " + lookup(sorts, s) },
		SearchHint:    "ID, title, organisation, SIRET, e-mail, data, who decided",
		Age:           ago,
		Op:            func(s instruct.OpState) string { return lookup(ops, s) },
		OpOf: func(s instruct.OpState, k instruct.Kind) string {
			return fmt.Sprintf("your decision “%s”: %s", strings.ToLower(lookup(decisions, k)), lookup(ops, s))
		},
		Overdue: "past deadline",

		Status:      func(s instruct.Status) string { return lookup(statuses, s) },
		StatusShort: func(s instruct.Status) string { return lookup(shortStatuses, s) },
		Submissions: func(first string, d time.Duration, again bool) string {
			if again {
				return "first submitted " + first + ", again " + ago(d) + " ago"
			}
			return "submitted " + first + ", " + ago(d) + " ago"
		},
		PaneDetails:    "Request",
		PaneLegal:      "Legal basis",
		PaneScopes:     "Data requested",
		Field:          func(name string) string { return lookup(fields, name) },
		Labelled:       func(label, value string) string { return label + ": " + value },
		ContactRole:    func(role string) string { return lookup(roles, role) },
		YesNo:          func(b bool) string { return choose(b, "yes", "no") },
		None:           "none",
		Months:         func(n int) string { return strconv.Itoa(n) + plural(n, " month", " months", false) },
		OutsideCatalog: "Outside the catalogue",
		Included:       "included by default",
		Flag:           englishFlag,
		ChooseRequest:  "Pick a request in the queue.",
		More:           "more",

		TimelineTitle: func(id string) string { return "History of " + id },
		Did:           func(k instruct.Kind) string { return lookup(did, k) },
		InternalNote:  "INTERNAL NOTE · reviewers only, never sent to the applicant",
		ChangedSince:  "Changed since changes were requested:",
		DiffCut:       "(text cut in the history: the request holds it whole)",
		ScopeOutside:  "outside the catalogue",
		NoEvents:      "No events.",
		DateTime:      func(t time.Time) string { return t.Format("2006-01-02 15:04") },
		Date:          func(t time.Time) string { return t.Format("2006-01-02") },
		Stamp:         func(t time.Time) string { return t.Format("2006-01-02 15:04") + " " + UTCOffset(t) },
		Zone:          "UTC",
		ZoneNote:      func(zone string) string { return "time zone: " + zone },
		Quote:         func(s string) string { return "“" + s + "”" },

		Decision: func(k instruct.Kind) string { return lookup(decisions, k) },
		FormHint: func(k instruct.Kind) string {
			switch k {
			case instruct.KindApprove:
				return "Optional comment, sent to the applicant with the approval."
			case instruct.KindNote:
				return "Internal note, read by reviewers only. Required."
			case instruct.KindMessage:
				return "Message sent to the applicant, without a decision. Required."
			case instruct.KindArchive:
				return "Optional comment. Archiving takes the request out of the tabs."
			case instruct.KindRevoke:
				return "Comment required: the reason for the revocation, sent to the applicant."
			}
			return "Comment required: it becomes the message sent to the applicant."
		},
		NoTemplates:      "no template for this decision",
		PickTemplate:     "Insert a message template:",
		PickHint:         "↑↓ choose · enter insert · esc back to the comment",
		TemplateInserted: func(title string) string { return "template inserted: " + title },
		Confirm: func(k instruct.Kind, id, org string) string {
			switch k {
			case instruct.KindNote:
				return fmt.Sprintf("Add this internal note to request %s from %s?", id, org)
			case instruct.KindMessage:
				return fmt.Sprintf("Send this message to the applicant of request %s from %s?", id, org)
			}
			return fmt.Sprintf("%s request %s from %s?", lookup(decisions, k), id, org)
		},
		ConfirmHint: "y: confirm · n or Esc: back to the comment",
		EnterNever:  "(Enter does not confirm.)",
		Recording:   "Recording…",
		ErrComment: func(k instruct.Kind) string {
			switch k {
			case instruct.KindNote:
				return "An internal note cannot be empty."
			case instruct.KindMessage:
				return "A message to the applicant cannot be empty."
			}
			return "A comment is required to " + lookup(infinitive, k) + " a request."
		},
		ErrTransition: func(k instruct.Kind, s instruct.Status) string {
			return fmt.Sprintf("You cannot %s a request that is %s.", lookup(infinitive, k), lookup(state, s))
		},
		ErrWaiting: func(id string) string {
			return fmt.Sprintf("Your decision on %s is not sent yet: another must wait until it is.", id)
		},
		ErrCode:          englishCode,
		ErrTooLong:       func(n int) string { return fmt.Sprintf("The comment is too long (%d characters at most).", n) },
		ErrNotFound:      "This request is no longer in the cache.",
		ErrOther:         func(msg string) string { return "Could not record: " + msg },
		CannotDecide:     func(def string) string { return "You have read-only access to " + def + " requests." },
		ReplacesYours:    "Your decision in conflict will be discarded in favour of this one.",
		LeaveQuestion:    "Throw this comment away? It will be lost.",
		LeaveHint:        "y: throw it away · n or Esc: keep writing",
		DraftRestored:    "unsent draft restored",
		ConflictRestored: "comment of your decision in conflict restored",
		DiscardQuestion: func(k instruct.Kind, id string) string {
			return fmt.Sprintf("Discard your decision “%s” on %s? y: yes · n: no", strings.ToLower(lookup(decisions, k)), id)
		},

		ConflictTitle: "Conflict",
		YourDecision: func(k instruct.Kind) string {
			return fmt.Sprintf("Your decision “%s” was not applied: the request changed first.", strings.ToLower(lookup(decisions, k)))
		},
		Happened: func(actor string, k instruct.Kind, at string) string {
			return fmt.Sprintf("%s %s on %s", actor, lookup(did, k), at)
		},
		Meanwhile: func(actor string, k instruct.Kind, d time.Duration, comment string) string {
			line := fmt.Sprintf("%s %s %s ago", actor, lookup(did, k), ago(d))
			if comment != "" {
				line += ": “" + comment + "”"
			}
			return line
		},
		MeanwhileHint: "esc: discard · ctrl+s: decide again on the new version (your comment is kept)",
		ConflictHint:  "D: discard your decision · a x c n: decide again on the current version",
		RejectedTitle: "Decision rejected by the server",
		RejectedHint:  "D: dismiss this decision · a x c n: decide again",
		RejectedWhy: func(c instruct.Code, id string) string {
			if c == "" {
				return "The server's reason is in `instruct show " + id + "`."
			}
			return "Reason: " + englishCode(c) + "."
		},

		Recorded: func(k instruct.Kind, id string) string {
			return fmt.Sprintf("%s: %s recorded, waiting to sync.", id, lookup(recorded, k))
		},
		Discarded:      func(id string) string { return id + ": your decision was discarded." },
		CopiedID:       func(id string) string { return id + " copied to the clipboard." },
		CopiedComment:  func(author string) string { return "Comment of " + author + " copied to the clipboard." },
		SyncRequested:  "Sync requested.",
		NoSyncer:       "No sync in this mode.",
		CacheError:     func(msg string) string { return "Cannot read the cache: " + msg },
		NoSelection:    "No request selected.",
		CacheRepairing: "Cache damaged: repairing and syncing again; queued decisions are kept…",
		Recovered: func(r instruct.CacheRecovery) string {
			if r.Problem == instruct.CacheElsewhere {
				return "Cache damaged, replaced by another instruct; syncing fills it again."
			}
			return fmt.Sprintf("Cache %s, replaced: %d queued %s saved, %d lost; the old file is %s",
				lookup(cacheProblemsEN, r.Problem), r.Saved, plural(r.Saved, "decision", "decisions", false), r.Lost, r.MovedTo)
		},

		Synced: func(p, c, r int) string {
			return fmt.Sprintf("synced: %d pending, %d in conflict, %d rejected", p, c, r)
		},
		SyncFailed: func(reason string, kept int) string {
			return fmt.Sprintf("sync failed: %s (%d operations kept in the outbox)", reason, kept)
		},
		Resynced:    "the local cache was replaced, then filled again from the server",
		RunAgain:    "the local cache was replaced, then filled again from the server: run the command again",
		Then:        "; ",
		NotResynced: "the fresh cache stays empty until the next sync: run instruct sync",

		Provider:  "the API provider",
		HelpTitle: "Help",
		HelpScroll: func(first, last, total int) string {
			return fmt.Sprintf("lines %d–%d of %d · j/k", first, last, total)
		},
		Legend: "⧗ decision waiting to be sent · ! conflict · ✗ rejected · ⚑ review deadline passed",
		TooSmall: func(w, h, minW, minH int) string {
			return fmt.Sprintf("Window too small: %d×%d. It needs at least %d×%d.", w, h, minW, minH)
		},

		Keys: KeyHelp{
			Up: "up", Down: "down", Top: "top", Bottom: "bottom", PageUp: "page up", PageDown: "page down",
			Open: "open", Back: "back to queue", NextTab: "next tab", PrevTab: "previous tab",
			Panes: "pane", NextPane: "next pane", PrevPane: "previous pane", NextRequest: "next request", PrevRequest: "previous request",
			Approve: "approve", Refuse: "refuse", RequestChanges: "request changes", Note: "note", Timeline: "history",
			Revoke: "revoke", Archive: "archive", Message: "write to the applicant",
			Search: "search", Filter: "filter by API", Sort: "sort", Sync: "sync now", Help: "help", Quit: "quit",
			Discard: "discard my decision", Send: "send", Template: "template", Cancel: "cancel",
			Confirm: "confirm", GoBack: "go back", SearchDone: "keep search", SearchClear: "clear",
			Copy: "copy ID or comment", Choose: "choose",
			Claim: "take/leave",
			Stats: "statistics",
			Close: "close", Pick: "insert",

			Conversation: "conversation",
		},
	}
}

// englishCode says what an error of code c means.
func englishCode(c instruct.Code) string {
	switch c {
	case instruct.CodeInvalid:
		return "the request or the comment is not valid"
	case instruct.CodeUnauthorized:
		return "the server refuses the token, sign in again (instruct login)"
	case instruct.CodeForbidden:
		return "your role does not allow it"
	case instruct.CodeNotFound:
		return "request not found"
	case instruct.CodeInFlight:
		return "the same operation is already under way"
	case instruct.CodeCursorExpired:
		return "the change feed expired, a full sync follows"
	case instruct.CodeStaleVersion:
		return "the request changed in the meantime"
	case instruct.CodeTooLarge:
		return "text too long"
	case instruct.CodeCommentRequired:
		return "a comment is required"
	case instruct.CodeInvalidTransition:
		return "the request's status does not allow it"
	case instruct.CodeIdempotencyKeyReused, instruct.CodePreconditionRequired:
		return "call refused by the server"
	case instruct.CodeRateLimited:
		return "server busy, trying again in a moment"
	case instruct.CodeUnavailable:
		return "server or cache unavailable for now"
	}
	return "internal error (details in the log)"
}

// englishFlag describes a flag of r.
func englishFlag(f instruct.Flag, r instruct.Request, unknown []string) string {
	switch f {
	case instruct.FlagRetentionUnjustified:
		return fmt.Sprintf("Data kept %d months (over %d) without justification", r.RetentionMonths, instruct.MaxRetentionMonths)
	case instruct.FlagRetentionLong:
		return fmt.Sprintf("Data kept %d months (over %d), justified: check it", r.RetentionMonths, instruct.MaxRetentionMonths)
	case instruct.FlagLegalBasisUnsourced:
		return "Legal basis with neither link nor attached document"
	case instruct.FlagScopeUnknown:
		return "Data outside the catalogue: " + strings.Join(unknown, ", ")
	}
	return string(f)
}

// cacheProblemsEN says why a cache file was replaced.
var cacheProblemsEN = map[instruct.CacheProblem]string{
	instruct.CacheEmpty:      "empty",
	instruct.CacheNotSQLite:  "unreadable (damaged header or another file)",
	instruct.CacheForeign:    "of another program",
	instruct.CacheIncomplete: "left incomplete",
	instruct.CacheTruncated:  "truncated",
	instruct.CacheDamaged:    "damaged",
}
