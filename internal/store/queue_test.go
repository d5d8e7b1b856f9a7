package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// catalogueCache returns a cache holding a small realistic queue:
//
//	D1031 Département du Nord   validated  submitted 41 days ago
//	D1042 Ville de Lyon         submitted  12 days ago, cantine
//	D1039 CCAS de Brest         submitted   9 days ago, updated last
//	D1050 Commune d'Évry-…      draft      API Entreprise, never submitted
func catalogueCache(t *testing.T) *Store {
	t.Helper()
	s := openTemp(t)
	if err := s.PutDefinitions(context.Background(), testDefinitions()); err != nil {
		t.Fatal(err)
	}
	lyon := request(1042, "Ville de Lyon", 12)
	brest := request(1039, "CCAS de Brest", 9)
	brest.Title, brest.Scopes = "Aide sociale facultative", []string{"cnaf_enfants"}
	brest.Organization.SIRET, brest.Applicant.Email = "26290098700016", "accueil@ccas-brest.fr"
	brest.UpdatedAt = base.Add(-time.Hour)
	nord := request(1031, "Département du Nord", 41)
	nord.Title, nord.Status, nord.Scopes = "Tarification des transports", instruct.StatusValidated, []string{"cnous_statut_boursier"}
	nord.Organization.SIRET, nord.Applicant.Email = "22590001000018", "dsi@lenord.fr"
	evry := request(1050, "Commune d'Évry-Courcouronnes", 0)
	evry.Definition, evry.Status, evry.SubmittedAt = "api_entreprise", instruct.StatusDraft, nil
	evry.Title, evry.Scopes = "École et accueil périscolaire", []string{"chiffre_affaires_dgfip"}
	evry.Organization.SIRET, evry.Applicant.Email = "21910228500011", "numerique@evry.fr"
	evry.UpdatedAt = base.Add(-48 * time.Hour)
	mustApply(t, s, lyon, brest, nord, evry)
	return s
}

func TestSearch(t *testing.T) {
	s := catalogueCache(t)
	tests := []struct {
		name, text string
		want       []string
	}{
		{"ID", "D1042", []string{"D1042"}},
		{"ID in lower case", "d1042", []string{"D1042"}},
		{"number alone", "1042", []string{"D1042"}},
		{"ID prefix", "D10", []string{"D1031", "D1042", "D1039", "D1050"}},
		{"SIRET prefix", "2169012", []string{"D1042"}},
		{"SIRET typed in groups", "216 901 231", []string{"D1042"}},
		{"word without accent", "evry", []string{"D1050"}},
		{"word in capitals with accent", "ÉCOLE", []string{"D1050"}},
		{"accent typed on a plain word", "tarifïcation", []string{"D1031"}},
		{"organisation words", "ccas brest", []string{"D1039"}},
		{"title and city", "cantine lyon", []string{"D1042"}},
		{"words in any order", "lyon cantine", []string{"D1042"}},
		{"words from two requests", "brest cantine", nil},
		{"word prefix", "périsc", []string{"D1050"}},
		{"e-mail", "accueil@ccas-brest.fr", []string{"D1039"}},
		{"e-mail prefix", "marie.dupont@mairie", []string{"D1042"}},
		{"scope label", "quotient familial", []string{"D1042"}},
		{"scope label with apostrophe", "chiffre d'affaires", []string{"D1050"}},
		{"scope label of another request", "boursier", []string{"D1031"}},
		{"no match", "préfecture", nil},
		{"blank", "   ", []string{"D1031", "D1042", "D1039", "D1050"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := s.Queue(context.Background(), instruct.QueueQuery{Text: tt.text})
			if err != nil {
				t.Fatalf("Queue(Text: %q) = %v", tt.text, err)
			}
			if got := ids(items); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Queue(Text: %q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestSearchHostileInput(t *testing.T) {
	s := catalogueCache(t)
	for _, text := range []string{`"`, `""`, `*`, `-`, `AND`, `lyon AND`, `OR`, `NOT lyon`, `(`, `)`,
		`NEAR(lyon cantine)`, `title:lyon`, `doc:lyon`, `{lyon}`, `[`, `+`, `'; DROP TABLE requests; --`,
		"ly\x00on", "\x1b[31m", "\u202e", `\`, `%`, `_`, "\xff\xfe", strings.Repeat("a", 5000)} {
		if _, err := s.Queue(context.Background(), instruct.QueueQuery{Text: text}); err != nil {
			t.Errorf("Queue(Text: %q) = %v, want no error", text, err)
		}
		if _, err := s.Counts(context.Background(), instruct.QueueQuery{Text: text}); err != nil {
			t.Errorf("Counts(Text: %q) = %v, want no error", text, err)
		}
	}
	// Punctuation around a word is no syntax: the word is still searched.
	for _, text := range []string{`"lyon`, `lyon"`, `(lyon`, `lyon)`, `lyon*`, `^lyon`, `- lyon`, `+lyon`, `"D1042"*`} {
		items, err := s.Queue(context.Background(), instruct.QueueQuery{Text: text})
		if err != nil || len(items) != 1 || items[0].ID != 1042 {
			t.Errorf("Queue(Text: %q) = %v, %v, want D1042", text, ids(items), err)
		}
	}
}

func TestQueueOrdersFiltersAndWindows(t *testing.T) {
	s := catalogueCache(t)
	submitted := []instruct.Status{instruct.StatusSubmitted}
	tests := []struct {
		name string
		q    instruct.QueueQuery
		want []string
	}{
		{"oldest submitted first, drafts last", instruct.QueueQuery{Sort: instruct.SortAge}, []string{"D1031", "D1042", "D1039", "D1050"}},
		{"age is the default", instruct.QueueQuery{}, []string{"D1031", "D1042", "D1039", "D1050"}},
		{"last updated first", instruct.QueueQuery{Sort: instruct.SortUpdated}, []string{"D1039", "D1050", "D1042", "D1031"}},
		{"by organisation, accents folded", instruct.QueueQuery{Sort: instruct.SortOrganization}, []string{"D1039", "D1050", "D1031", "D1042"}},
		{"one status", instruct.QueueQuery{Statuses: submitted}, []string{"D1042", "D1039"}},
		{"two statuses", instruct.QueueQuery{Statuses: []instruct.Status{instruct.StatusDraft, instruct.StatusValidated}}, []string{"D1031", "D1050"}},
		{"one API", instruct.QueueQuery{Definition: "api_entreprise"}, []string{"D1050"}},
		{"status, API and text", instruct.QueueQuery{Statuses: submitted, Definition: "api_particulier", Text: "brest"}, []string{"D1039"}},
		{"window", instruct.QueueQuery{Offset: 1, Limit: 2}, []string{"D1042", "D1039"}},
		{"window of a tab", instruct.QueueQuery{Statuses: submitted, Offset: 1, Limit: 5}, []string{"D1039"}},
		{"window past the end", instruct.QueueQuery{Offset: 10, Limit: 2}, nil},
		{"window of a search", instruct.QueueQuery{Text: "D10", Sort: instruct.SortUpdated, Limit: 1}, []string{"D1039"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := s.Queue(context.Background(), tt.q)
			if err != nil {
				t.Fatalf("Queue(%+v) = %v", tt.q, err)
			}
			if got := ids(items); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Queue(%+v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestQueueItemFields(t *testing.T) {
	s := catalogueCache(t)
	it := queueItem(t, s, 1042)
	want := request(1042, "Ville de Lyon", 12)
	if it.Definition != want.Definition || it.Title != want.Title || it.Organization != want.Organization.Name ||
		it.Version != want.Version || it.SubmittedAt == nil || !it.SubmittedAt.Equal(*want.SubmittedAt) ||
		!it.UpdatedAt.Equal(want.UpdatedAt) || it.Status != instruct.StatusSubmitted || it.Op != "" {
		t.Errorf("Queue() D1042 = %+v, want the fields of %s", it, want.ID)
	}
	if draft := queueItem(t, s, 1050); draft.SubmittedAt != nil {
		t.Errorf("Queue() D1050 SubmittedAt = %v, want nil for a draft", draft.SubmittedAt)
	}
}

func TestQueueRefusesBadQueries(t *testing.T) {
	s := catalogueCache(t)
	for _, q := range []instruct.QueueQuery{{Sort: "random"}, {Offset: -1}, {Limit: -5}} {
		if _, err := s.Queue(context.Background(), q); instruct.ErrorCode(err) != instruct.CodeInvalid {
			t.Errorf("Queue(%+v) = %v, want invalid", q, err)
		}
	}
}

func TestCounts(t *testing.T) {
	s := catalogueCache(t)
	mustRecord(t, s, 1039, instruct.KindRefuse, "Hors du périmètre de l'API.")
	tests := []struct {
		name string
		q    instruct.QueueQuery
		want map[instruct.Status]int
	}{
		{"everything, decision laid over", instruct.QueueQuery{}, map[instruct.Status]int{
			instruct.StatusSubmitted: 1, instruct.StatusRefused: 1, instruct.StatusValidated: 1, instruct.StatusDraft: 1}},
		{"statuses are ignored", instruct.QueueQuery{Statuses: []instruct.Status{instruct.StatusDraft}}, map[instruct.Status]int{
			instruct.StatusSubmitted: 1, instruct.StatusRefused: 1, instruct.StatusValidated: 1, instruct.StatusDraft: 1}},
		{"one API", instruct.QueueQuery{Definition: "api_particulier"}, map[instruct.Status]int{
			instruct.StatusSubmitted: 1, instruct.StatusRefused: 1, instruct.StatusValidated: 1}},
		{"text", instruct.QueueQuery{Text: "brest"}, map[instruct.Status]int{instruct.StatusRefused: 1}},
		{"text matching nothing", instruct.QueueQuery{Text: "marseille"}, map[instruct.Status]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Counts(context.Background(), tt.q)
			if err != nil || !mapsEqual(got, tt.want) {
				t.Errorf("Counts(%+v) = %v, %v, want %v", tt.q, got, err, tt.want)
			}
		})
	}
}

func mapsEqual(a, b map[instruct.Status]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestQueueSeesOtherProcesses opens the same file twice, as the TUI and a
// headless `instruct decide` or `instruct sync` do: each sees the other's
// writes in its queue.
func TestQueueSeesOtherProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	tui, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer tui.Close()
	cli, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	mustApply(t, tui, request(1042, "Ville de Lyon", 12))
	if items, _ := tui.Queue(ctx, instruct.QueueQuery{}); len(items) != 1 {
		t.Fatalf("Queue() = %v, want D1042", ids(items))
	}
	mustRecord(t, cli, 1042, instruct.KindApprove, "")
	if err := cli.ApplyPage(ctx, feed(request(7, "CCAS de Brest", 2)), "70"); err != nil {
		t.Fatal(err)
	}
	items, err := tui.Queue(ctx, instruct.QueueQuery{})
	if err != nil || !slices.Equal(ids(items), []string{"D1042", "D7"}) || items[0].Status != instruct.StatusValidated {
		t.Errorf("Queue() after another process wrote = %+v, %v, want D1042 validated and D7", items, err)
	}
	mustRecord(t, tui, 7, instruct.KindNote, "À revoir lundi.")
	if it := queueItem(t, cli, 7); it.Op != instruct.OpPending {
		t.Errorf("other process: Queue() D7 op = %q, want pending", it.Op)
	}
}

// TestQueueFollowsOwnWrites keeps one Store's queue loaded through every
// kind of write and compares it with what a fresh Store reads from disk.
func TestQueueFollowsOwnWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Warm(ctx); err != nil {
		t.Fatalf("Warm() = %v", err)
	}
	lyon := request(1042, "Ville de Lyon", 12)
	steps := []struct {
		name string
		do   func() error
	}{
		{"first page", func() error { return s.ApplyPage(ctx, feed(lyon, request(7, "CCAS de Brest", 2)), "1") }},
		{"record", func() error { _, err := s.Record(ctx, 7, instruct.KindApprove, ""); return err }},
		{"newer state", func() error {
			newer := lyon
			newer.Version, newer.Title, newer.UpdatedAt = 3, "Portail famille", base
			return s.ApplyPage(ctx, []instruct.FeedItem{{Seq: 11000, Request: newer}}, "2")
		}},
		{"conflict", func() error {
			ops, _ := s.Pending(ctx)
			current := request(7, "CCAS de Brest", 2)
			current.Status, current.Version = instruct.StatusRefused, 5
			return s.SetOpState(ctx, ops[0].ID, instruct.OpConflict, "", &instruct.StaleError{Current: current})
		}},
		{"accept", func() error {
			op, err := s.Record(ctx, 1042, instruct.KindRequestChanges, "Joindre la délibération.")
			if err != nil {
				return err
			}
			decided := lyon
			decided.Status, decided.Version = instruct.StatusChangesRequested, 4
			return s.Accept(ctx, op.ID, decided, instruct.Event{Seq: 12000, RequestID: 1042, Kind: instruct.KindRequestChanges, At: base})
		}},
		{"definitions", func() error { return s.PutDefinitions(ctx, testDefinitions()) }},
		{"reset", func() error { return s.ResetFeed(ctx) }},
		{"pull again", func() error { return s.ApplyPage(ctx, feed(request(7, "CCAS de Brest", 2)), "3") }},
	}
	for _, step := range steps {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, err := s.Queue(ctx, instruct.QueueQuery{})
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fresh.Queue(ctx, instruct.QueueQuery{})
		fresh.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !sameItems(got, want) {
			t.Errorf("after %s: Queue() = %+v, want what the file holds: %+v", step.name, got, want)
		}
	}
}

func sameItems(a, b []instruct.QueueItem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.ID != y.ID || x.Title != y.Title || x.Status != y.Status || x.ServerStatus != y.ServerStatus ||
			x.Op != y.Op || x.Version != y.Version || !x.UpdatedAt.Equal(y.UpdatedAt) || x.Organization != y.Organization {
			return false
		}
	}
	return true
}

func TestQueueResultsAreTheCallers(t *testing.T) {
	s := catalogueCache(t)
	ctx := context.Background()
	items, err := s.Queue(ctx, instruct.QueueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range items {
		items[i].Title = "changed"
		if items[i].SubmittedAt != nil {
			*items[i].SubmittedAt = time.Time{}
		}
	}
	again, _ := s.Queue(ctx, instruct.QueueQuery{})
	for _, it := range again {
		if it.Title == "changed" || (it.SubmittedAt != nil && it.SubmittedAt.IsZero()) {
			t.Fatalf("Queue() = %+v after the caller changed its earlier result, want the cache unchanged", it)
		}
	}
}

// TestQueueBeforeTheSnapshot checks that windows and counts read with SQL,
// before the in-memory queue is loaded, equal those read from it.
func TestQueueBeforeTheSnapshot(t *testing.T) {
	ctx := context.Background()
	s := catalogueCache(t)
	mustRecord(t, s, 1039, instruct.KindRefuse, "Hors périmètre.")
	submitted := []instruct.Status{instruct.StatusSubmitted, instruct.StatusRefused}
	queries := []instruct.QueueQuery{
		{Limit: 2}, {Limit: 3, Offset: 1, Sort: instruct.SortUpdated}, {Limit: 10, Sort: instruct.SortOrganization},
		{Limit: 10, Statuses: submitted}, {Limit: 10, Definition: "api_entreprise"}, {Limit: 10, Text: "lyon"},
		{Limit: 1, Offset: 1, Statuses: submitted, Definition: "api_particulier", Text: "D10", Sort: instruct.SortUpdated},
	}
	if err := s.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	cold, err := Open(ctx, s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer cold.Close()
	for _, q := range queries {
		before, err := cold.Queue(ctx, q)
		if err != nil {
			t.Fatalf("Queue(%+v) before loading = %v", q, err)
		}
		countsBefore, err := cold.Counts(ctx, q)
		if err != nil {
			t.Fatalf("Counts(%+v) before loading = %v", q, err)
		}
		if cold.loaded.Load() {
			t.Fatalf("a window loaded the whole queue")
		}
		after, _ := s.Queue(ctx, q)
		countsAfter, _ := s.Counts(ctx, q)
		if !sameItems(before, after) || !mapsEqual(countsBefore, countsAfter) {
			t.Errorf("Queue(%+v) = %v %v before loading, %v %v from memory, want the same",
				q, ids(before), countsBefore, ids(after), countsAfter)
		}
	}
}

// TestSearchFollowsOwnWrites searches the same words before and after
// writes that change what they match: the cache keeps the last search's
// matches, and must drop them at every write.
func TestSearchFollowsOwnWrites(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	lyon := request(1042, "Ville de Lyon", 12)
	renamed := lyon
	renamed.Version, renamed.Title = 3, "Portail famille"
	steps := []struct {
		name          string
		text          string
		do            func() error
		before, after int
	}{
		{"first page", "lyon", func() error { return s.ApplyPage(ctx, feed(lyon), "1") }, 0, 1},
		{"newer title", "portail", func() error { return s.ApplyPage(ctx, feed(renamed), "2") }, 0, 1},
		{"scope labels", "msa", func() error { return s.PutDefinitions(ctx, testDefinitions()) }, 0, 1},
		{"reset", "msa", func() error { return s.ResetFeed(ctx) }, 1, 0},
	}
	for _, step := range steps {
		q := instruct.QueueQuery{Text: step.text}
		for _, phase := range []struct {
			when string
			want int
		}{{"before", step.before}, {"after", step.after}} {
			if phase.when == "after" {
				if err := step.do(); err != nil {
					t.Fatalf("%s: %v", step.name, err)
				}
			}
			items, err := s.Queue(ctx, q)
			if err != nil || len(items) != phase.want {
				t.Errorf("%s %s: Queue(%q) = %v, %v, want %d request(s)", phase.when, step.name, step.text, ids(items), err, phase.want)
			}
			counts, err := s.Counts(ctx, q)
			if err != nil || counts[instruct.StatusSubmitted] != phase.want {
				t.Errorf("%s %s: Counts(%q) = %v, %v, want %d submitted", phase.when, step.name, step.text, counts, err, phase.want)
			}
		}
	}
}

// TestQueueForKeepsWhatTheViewerMaySee: one cache holding every request
// serves each viewer the queue and counts of the definitions they hold a
// role on, from SQL before the snapshot loads and from memory after,
// whatever else the query asks; an applicant's viewer, whose requests the
// cache can't tell, sees none.
func TestQueueForKeepsWhatTheViewerMaySee(t *testing.T) {
	ctx := context.Background()
	s := catalogueCache(t)
	viewers := []struct {
		name string
		v    instruct.Viewer
		want []string
	}{
		{"every API", instruct.Viewer{UserID: "u1", All: true}, []string{"D1031", "D1039", "D1042", "D1050"}},
		{"API Entreprise", instruct.Viewer{UserID: "u2", Definitions: []string{"api_entreprise"}}, []string{"D1050"}},
		{"both APIs", instruct.Viewer{UserID: "u3", Definitions: []string{"api_particulier", "api_entreprise"}}, []string{"D1031", "D1039", "D1042", "D1050"}},
		{"an API without requests", instruct.Viewer{UserID: "u4", Definitions: []string{"api_impot_particulier"}}, nil},
		{"no role", instruct.Viewer{UserID: "u5"}, nil},
		{"applicant", instruct.Viewer{UserID: "u6", ApplicantOnly: true}, nil},
	}
	queries := []instruct.QueueQuery{{Limit: 10}, {Limit: 10, Text: "D10"}, {Limit: 10, Definition: "api_entreprise"}}
	cold, err := Open(ctx, s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer cold.Close()
	if err := s.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	for _, vc := range viewers {
		for _, q := range queries {
			want := vc.want
			if q.Definition != "" {
				want = slices.DeleteFunc(slices.Clone(want), func(id string) bool { return id != "D1050" })
			}
			for name, c := range map[string]*Store{"from SQL": cold, "from memory": s} {
				items, err := c.QueueFor(ctx, vc.v, q)
				got := ids(items)
				slices.Sort(got)
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("%s: QueueFor(%s, %+v) = %v, %v; want %v", name, vc.name, q, got, err, want)
				}
				counts, err := c.CountsFor(ctx, vc.v, q)
				if total := sum(counts); err != nil || total != len(want) {
					t.Errorf("%s: CountsFor(%s, %+v) = %v, %v; want %d in all", name, vc.name, q, counts, err, len(want))
				}
			}
		}
	}
	if cold.loaded.Load() {
		t.Errorf("windows loaded the whole queue: the SQL path went untested")
	}
}

func sum(counts map[instruct.Status]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// TestSearchesOfSeveralScreens: screens sharing one cache search in turn,
// each its own text; each gets its own matches, before and after a write.
func TestSearchesOfSeveralScreens(t *testing.T) {
	ctx := context.Background()
	s := catalogueCache(t)
	texts := map[string][]string{"cantine": {"D1042"}, "brest": {"D1039"}, "nord": {"D1031"}, "evry": {"D1050"}, "portail": nil}
	check := func(when string) {
		for range 2 {
			for text, want := range texts {
				items, err := s.Queue(ctx, instruct.QueueQuery{Text: text})
				if err != nil || !slices.Equal(ids(items), want) {
					t.Errorf("%s: Queue(%q) = %v, %v; want %v", when, text, ids(items), err, want)
				}
			}
		}
	}
	check("first searches")
	renamed := request(1042, "Ville de Lyon", 12)
	renamed.Version, renamed.Title = 3, "Portail famille"
	mustApply(t, s, renamed)
	texts["cantine"], texts["portail"] = nil, []string{"D1042"}
	check("after D1042 was renamed")
}

// TestPositionIsTheIndexInTheQueue: for each query, every request the
// queue lists is found at its index, and one it does not list (another
// status, API, text or viewer, or no such request) at -1.
func TestPositionIsTheIndexInTheQueue(t *testing.T) {
	ctx := context.Background()
	s := catalogueCache(t)
	submitted := []instruct.Status{instruct.StatusSubmitted}
	queries := []instruct.QueueQuery{{}, {Sort: instruct.SortUpdated}, {Sort: instruct.SortOrganization},
		{Statuses: submitted}, {Definition: "api_entreprise"}, {Text: "D10", Sort: instruct.SortUpdated},
		{Statuses: submitted, Text: "brest"}, {Offset: 2, Limit: 1}}
	all := []string{"D1031", "D1039", "D1042", "D1050", "D9999"}
	for _, q := range queries {
		whole := q
		whole.Offset, whole.Limit = 0, 0
		items, err := s.Queue(ctx, whole)
		if err != nil {
			t.Fatalf("Queue(%+v) = %v", whole, err)
		}
		listed := ids(items)
		for _, id := range all {
			got, err := s.Position(ctx, q, mustRequestID(t, id))
			if want := slices.Index(listed, id); err != nil || got != want {
				t.Errorf("Position(%+v, %s) = %d, %v; want %d (queue %v)", q, id, got, err, want, listed)
			}
		}
	}
	entreprise := instruct.Viewer{UserID: "u2", Definitions: []string{"api_entreprise"}}
	for id, want := range map[string]int{"D1050": 0, "D1042": -1} {
		if got, err := s.PositionFor(ctx, entreprise, instruct.QueueQuery{}, mustRequestID(t, id)); err != nil || got != want {
			t.Errorf("PositionFor(API Entreprise's agent, %s) = %d, %v; want %d", id, got, err, want)
		}
	}
	if _, err := s.Position(ctx, instruct.QueueQuery{Sort: "bogus"}, 1042); instruct.ErrorCode(err) != instruct.CodeInvalid {
		t.Errorf("Position with an unknown sort = %v, want invalid", err)
	}
}

// mustRequestID parses a request ID of the test's own.
func mustRequestID(t *testing.T, id string) instruct.RequestID {
	t.Helper()
	n, err := instruct.ParseRequestID(id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
