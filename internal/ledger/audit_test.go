package ledger

import (
	"context"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// sixEvents builds a log of six events: two creates (seqs 1, 2), then on
// D1000 a submission and a refusal (3, 4), on D1001 a note and a
// submission (5, 6).
func sixEvents(f *fixture) {
	a := f.create("api_particulier", "Cantine")
	b := f.create("api_particulier", "Transport")
	a = f.do(a, instruct.KindSubmit, "").Request
	f.do(a, instruct.KindRefuse, "Base légale insuffisante.")
	f.do(b, instruct.KindNote, "Relu.")
	f.do(b, instruct.KindSubmit, "")
}

func testVerify(t *testing.T, open func(t *testing.T) *Ledger) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, l *Ledger)
		broken int64
	}{
		{"intact", func(*testing.T, *Ledger) {}, 0},
		{"tampered body", func(t *testing.T, l *Ledger) {
			exec(t, l, `UPDATE events SET body = REPLACE(body, 'insuffisante', 'suffisante') WHERE seq = 4`)
		}, 4},
		{"tampered hash", func(t *testing.T, l *Ledger) {
			exec(t, l, `UPDATE events SET hash = ? WHERE seq = 2`, chainHash("", []byte("forged")))
		}, 2},
		{"deleted event", func(t *testing.T, l *Ledger) { exec(t, l, `DELETE FROM events WHERE seq = 3`) }, 3},
		{"deleted last event", func(t *testing.T, l *Ledger) { exec(t, l, `DELETE FROM events WHERE seq = 6`) }, 6},
		{"reordered events", func(t *testing.T, l *Ledger) {
			exec(t, l, `UPDATE events SET seq = -5 WHERE seq = 5`)
			exec(t, l, `UPDATE events SET seq = 5 WHERE seq = 4`)
			exec(t, l, `UPDATE events SET seq = 4 WHERE seq = -5`)
		}, 4},
		{"rewritten with a recomputed hash", func(t *testing.T, l *Ledger) {
			var prev, body string
			if err := l.writer.QueryRowContext(context.Background(), `SELECT prev_hash, body FROM events WHERE seq = 3`).Scan(&prev, &body); err != nil {
				t.Fatal(err)
			}
			e, _ := decodeEvent(body)
			e.Actor.Name = "Quelqu'un d'autre"
			s, _ := seal(e, prev)
			exec(t, l, `UPDATE events SET body = ?, hash = ? WHERE seq = 3`, string(s.body), s.hash)
		}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, open)
			sixEvents(f)
			tc.tamper(t, f.l)
			res, err := f.l.Verify(f.ctx)
			if err != nil {
				t.Fatalf("Verify() = %v", err)
			}
			if res.BrokenAt != tc.broken || res.OK() != (tc.broken == 0) {
				t.Errorf("Verify() = %+v, want broken at %d", res, tc.broken)
			}
			if tc.broken == 0 && (res.Checked != 6 || res.From != 1 || res.Last != 6) {
				t.Errorf("Verify() of an intact log = %+v, want 6 events checked from 1 to 6", res)
			}
			if tc.broken != 0 && res.Problem == "" {
				t.Errorf("Verify() = %+v names no problem", res)
			}
		})
	}
}

func testPurgeBefore(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	sixEvents(f)
	entries, _ := f.l.Audit(f.ctx, 0, 10)
	res, err := f.l.PurgeBefore(f.ctx, entries[3].Event.At) // keeps seq 4 on
	if err != nil || res.Purged != 3 || res.LastSeq != 3 || res.LastHash != entries[2].Hash {
		t.Fatalf("PurgeBefore(time of seq 4) = %+v, %v, want 3 purged up to seq 3 with its hash", res, err)
	}
	check := func(when string, from, checked int64) {
		t.Helper()
		v, err := f.l.Verify(f.ctx)
		if err != nil || !v.OK() || v.From != from || v.Checked != checked {
			t.Errorf("Verify() %s = %+v, %v, want intact from %d, %d checked", when, v, err, from, checked)
		}
	}
	check("after the purge", 4, 3)
	if h, err := f.l.FeedHorizon(f.ctx); err != nil || h != 3 {
		t.Errorf("FeedHorizon() = %d, %v, want 3", h, err)
	}
	if events, _ := f.l.Events(f.ctx, 1000); !cmpSeqs(events, 4) {
		t.Errorf("Events(1000) after the purge = seqs %v, want [4]", seqs(events))
	}
	if a, _ := f.l.Audit(f.ctx, 0, 10); len(a) != 3 || a[0].Seq != 4 || a[0].PrevHash != res.LastHash {
		t.Errorf("Audit(0) after the purge starts at %+v, want seq 4 chained to the receipt", a[0])
	}
	if again, err := f.l.PurgeBefore(f.ctx, entries[3].Event.At); err != nil || again.Purged != 0 {
		t.Errorf("PurgeBefore(same time) again = %+v, %v, want nothing purged", again, err)
	}
	r, _, _ := f.l.Request(f.ctx, 1001)
	f.do(r, instruct.KindApprove, "")
	check("after a new event", 4, 4)
	all, err := f.l.PurgeBefore(f.ctx, f.clock.Add(time.Hour))
	if err != nil || all.Purged != 4 || all.LastSeq != 7 {
		t.Errorf("PurgeBefore(after everything) = %+v, %v, want the 4 remaining events purged", all, err)
	}
	check("after purging everything", 8, 0)
	f.do(r, instruct.KindNote, "Après la purge.")
	check("after an event on an empty log", 8, 1)
}

func cmpSeqs(events []instruct.Event, want ...int64) bool {
	got := seqs(events)
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
