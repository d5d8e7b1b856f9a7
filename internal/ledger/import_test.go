package ledger

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func testImport(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	hs := histories(5, "api_particulier", "api_entreprise")
	if err := f.l.Import(f.ctx, hs); err != nil {
		t.Fatalf("Import() = %v", err)
	}
	if last, _ := f.l.LastSeq(f.ctx); last != 30 {
		t.Errorf("LastSeq() after importing 30 events = %d, want 30", last)
	}
	r, createdBy, err := f.l.Request(f.ctx, 1002)
	if err != nil || r.ID != 1002 || r.Version != 5 || r.Title != hs[2].Request.Title || createdBy != hs[2].CreatedBy {
		t.Errorf("Request(1002) = %s v%d %q by %q, %v, want the third history", r.ID, r.Version, r.Title, createdBy, err)
	}
	events, _ := f.l.Events(f.ctx, 1002)
	if !cmpSeqs(events, 13, 14, 15, 16, 17, 18) || events[1].Diff["scopes"][1] == nil || events[0].RequestID != 1002 {
		t.Errorf("Events(1002) = %+v, want seqs 13 to 18 with the history's diff", events)
	}
	if v, err := f.l.Verify(f.ctx); err != nil || !v.OK() || v.Checked != 30 {
		t.Errorf("Verify() after import = %+v, %v, want 30 intact events", v, err)
	}
	m := f.mutation(r, instruct.KindRevoke, "Fin du marché.")
	m.IfMatch = 3 // the submission
	_, err = f.l.Apply(f.ctx, m)
	var stale *instruct.StaleError
	if !errors.As(err, &stale) || !cmpSeqs(stale.EventsSince, 16, 17, 18) {
		t.Errorf("Apply(If-Match 3) on an imported request = %v, want stale with seqs 16 to 18", err)
	}
	next := f.create("api_particulier", "Après import")
	if next.ID != 1005 {
		t.Errorf("Create() after import = %s, want D1005", next.ID)
	}
	items, more, _ := f.l.Changes(f.ctx, instruct.Viewer{Definitions: []string{"api_entreprise"}}, 0, 100)
	if len(items) != 2 || more || len(items[0].Events) != 6 {
		t.Errorf("Changes(api_entreprise) after import = %d items, want the 2 imported with 6 events each", len(items))
	}
}

func testImportIDs(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	hs := histories(2, "api_particulier")
	hs[0].Request.ID, hs[1].Request.ID = 5000, 5001
	hs[1].Request.Version = 0 // counted from the events
	if err := f.l.Import(f.ctx, hs); err != nil {
		t.Fatalf("Import() = %v", err)
	}
	got, err := f.l.Requests(f.ctx, instruct.ListQuery{Viewer: instruct.Viewer{All: true}})
	if err != nil || !cmp.Equal(requestIDs(got), []string{"D5000", "D5001"}) {
		t.Errorf("Requests() after import = %v, %v, want D5000 and D5001", requestIDs(got), err)
	}
	if got[1].Version != 5 {
		t.Errorf("imported request without a version has version %d, want 5 (its non-note events)", got[1].Version)
	}
	if next := f.create("api_particulier", "Suivante"); next.ID != 5002 {
		t.Errorf("Create() after import = %s, want D5002", next.ID)
	}
	err = f.l.Import(f.ctx, histories(1, "api_particulier")[:1:1])
	if err != nil {
		t.Errorf("Import() of a history without ID = %v", err)
	}
	dup := histories(1, "api_particulier")
	dup[0].Request.ID = 5000
	if err := f.l.Import(f.ctx, dup); err == nil {
		t.Errorf("Import() of a taken ID succeeded, want an error")
	}
}

func testImportEmpty(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	hs := histories(3, "api_particulier")
	hs[2].Events = nil
	err := f.l.Import(f.ctx, hs)
	wantCode(t, "Import(history without events)", err, instruct.CodeInvalid)
	if empty, _ := f.l.IsEmpty(f.ctx); !empty {
		t.Errorf("IsEmpty() after a refused import = false, want true: the batch is all or nothing")
	}
}
