package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/stats"
)

// TestStatHistoriesGatherEveryPage: the marks of a request arrive over
// several pages (and some twice); the cache keeps each once, in seq
// order, with who decided, and forgets them with the feed.
func TestStatHistoriesGatherEveryPage(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := request(1001, "Ville de Lyon", 3)
	mustApply(t, s, a) // create (10010), submit (10011)
	asked := decided(a, 3, instruct.KindRequestChanges, "Karim Benali", 10012)
	approved := decided(a, 5, instruct.KindApprove, "Marie Dupont", 10014)
	note := decided(a, 5, instruct.KindNote, "Marie Dupont", 10015)
	resubmit := instruct.FeedItem{Seq: 10013, Request: asked.Request, Events: []instruct.Event{{Seq: 10013, RequestID: a.ID,
		Kind: instruct.KindSubmit, Actor: instruct.Actor{ID: "u1"}, At: base.Add(10013 * 60e9)}}}
	for _, page := range [][]instruct.FeedItem{{approved, note}, {asked, resubmit}, {approved}} {
		if err := s.ApplyPage(ctx, page, "c"); err != nil {
			t.Fatalf("ApplyPage() = %v", err)
		}
	}
	got, err := s.StatHistories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []stats.History{{Request: 1001, Definition: "api_particulier", Marks: []stats.Mark{
		{Kind: instruct.KindSubmit, At: a.SubmittedAt.UnixMicro()},
		{Kind: instruct.KindRequestChanges, At: base.Add(10012 * 60e9).UnixMicro(), Actor: "r-Karim Benali"},
		{Kind: instruct.KindSubmit, At: base.Add(10013 * 60e9).UnixMicro()},
		{Kind: instruct.KindApprove, At: base.Add(10014 * 60e9).UnixMicro(), Actor: "r-Marie Dupont"},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("StatHistories (-want +got):\n%s", diff)
	}

	mustApply(t, s, request(1002, "Mairie de Brest", 1))
	if got, _ := s.StatHistories(ctx); len(got) != 2 || got[1].Request != 1002 {
		t.Errorf("after another page, StatHistories = %v, want D1001 and D1002", got)
	}
	if err := s.ResetFeed(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.StatHistories(ctx); len(got) != 0 {
		t.Errorf("after ResetFeed, StatHistories = %v, want none", got)
	}
}

// TestStatHistoriesSeeAnotherProcessWrite: a write through another Store
// on the same file (a headless sync) shows in the next read.
func TestStatHistoriesSeeAnotherProcessWrite(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mustApply(t, s, request(1001, "Ville de Lyon", 3))
	if got, _ := s.StatHistories(ctx); len(got) != 1 {
		t.Fatalf("StatHistories = %v, want one", got)
	}
	other, err := Open(ctx, s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	mustApply(t, other, request(1002, "Mairie de Brest", 1))
	if got, _ := s.StatHistories(ctx); len(got) != 2 {
		t.Errorf("after another Store's write, StatHistories = %v, want two", got)
	}
}

func TestStatMarksRoundTrip(t *testing.T) {
	ms := statMarks{{seq: 1, Mark: stats.Mark{Kind: instruct.KindSubmit, At: 1_700_000_000_000_000}},
		{seq: 300, Mark: stats.Mark{Kind: instruct.KindArchive, At: -5, Actor: "é-id"}}}
	got, err := decodeStatMarks(ms.encode())
	if err != nil || !cmp.Equal(got, ms, cmp.AllowUnexported(statMark{})) {
		t.Errorf("decode(encode(%v)) = %v, %v", ms, got, err)
	}
	for _, bad := range [][]byte{{1}, {1, 99, 2, 0}, {1, 0, 2, 5, 'a'}} {
		if _, err := decodeStatMarks(bad); err == nil {
			t.Errorf("decodeStatMarks(%v) = nil error, want damaged", bad)
		}
	}
}
