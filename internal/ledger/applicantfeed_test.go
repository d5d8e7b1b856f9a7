package ledger

import (
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// testChangesApplicantSeq: an applicant's feed places each of their
// requests at its last event they may read, so that an internal note
// written after it moves nothing they see; reviewers see it at the note.
// Once the log is purged of every event, the request still comes in an
// applicant's pull from the start, at the purge horizon, and a note
// written since brings it to no later cursor. Both engines run it.
func testChangesApplicantSeq(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	msg := f.do(r, instruct.KindMessage, "Votre demande est en cours d'examen.").Event
	note := f.do(r, instruct.KindNote, "Interne : demander l'avis du DPD.").Event
	me := instruct.Viewer{UserID: applicant.ID, ApplicantOnly: true}
	seqOf := func(v instruct.Viewer, after int64) []int64 {
		t.Helper()
		items, _, err := f.l.Changes(f.ctx, v, after, 10)
		if err != nil {
			t.Fatalf("Changes(after %d) = %v", after, err)
		}
		var out []int64
		for _, it := range items {
			out = append(out, it.Seq)
		}
		return out
	}
	if got := seqOf(me, 0); len(got) != 1 || got[0] != msg.Seq {
		t.Errorf("applicant's Changes(0) seqs = %v, want [%d], the message's (the note is %d)", got, msg.Seq, note.Seq)
	}
	if got := seqOf(me, msg.Seq); len(got) != 0 {
		t.Errorf("applicant's Changes(after the message) seqs = %v, want none", got)
	}
	if got := seqOf(instruct.Viewer{All: true}, 0); len(got) != 1 || got[0] != note.Seq {
		t.Errorf("reviewer's Changes(0) seqs = %v, want [%d], the note's", got, note.Seq)
	}
	purged, err := f.l.PurgeBefore(f.ctx, f.clock.Add(time.Hour))
	if err != nil || purged.LastSeq != note.Seq {
		t.Fatalf("PurgeBefore(after everything) = %+v, %v", purged, err)
	}
	f.do(r, instruct.KindNote, "Après la purge.")
	if got := seqOf(me, 0); len(got) != 1 || got[0] != purged.LastSeq {
		t.Errorf("applicant's Changes(0) after the purge = %v, want [%d], the horizon", got, purged.LastSeq)
	}
	if got := seqOf(me, purged.LastSeq); len(got) != 0 {
		t.Errorf("applicant's Changes(horizon) after a note = %v, want none", got)
	}
}
