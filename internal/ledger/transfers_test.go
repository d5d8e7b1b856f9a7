package ledger

import (
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// testLostByTransfer: a transfer takes a request from its applicant,
// which LostByTransfer tells them from any seq before it, and not the
// new applicant; once the request comes back to the first applicant, it
// is the second who lost it. Both engines.
func testLostByTransfer(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	camille := instruct.User{ID: applicant.ID, Name: applicant.Name, Email: "camille.martin@mairie-lyon.fr"}
	r, _ := f.validated("api_particulier")
	before, err := f.l.LastSeq(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	lost := func(u instruct.User, after int64) int64 {
		t.Helper()
		seq, err := f.l.LostByTransfer(f.ctx, u, after)
		if err != nil {
			t.Fatalf("LostByTransfer(%s, %d) = %v", u.Name, after, err)
		}
		return seq
	}
	if got := lost(camille, 0); got != 0 {
		t.Errorf("before any transfer: Camille lost a request at %d, want none", got)
	}
	away := f.run(r, instruct.Transfer{Actor: reviewer, To: newApplicant, Comment: "Départ de l'agent.", At: f.tick()})
	if got := lost(camille, before); got != away.Event.Seq {
		t.Errorf("after the transfer to Yanis: Camille lost a request at %d, want %d", got, away.Event.Seq)
	}
	if got := lost(camille, away.Event.Seq); got != 0 {
		t.Errorf("after the transfer, from its seq on: Camille lost a request at %d, want none", got)
	}
	if got := lost(newApplicant, before); got != 0 {
		t.Errorf("Yanis, who received it, lost a request at %d, want none", got)
	}
	back := f.run(away.Request, instruct.Transfer{Actor: reviewer, To: camille, Comment: "Retour.", At: f.tick()})
	if got := lost(camille, before); got != 0 {
		t.Errorf("once it came back: Camille lost a request at %d, want none (she files it again)", got)
	}
	if got := lost(newApplicant, before); got != back.Event.Seq {
		t.Errorf("once it came back: Yanis lost a request at %d, want %d", got, back.Event.Seq)
	}
}

// TestTookFromNamesTheFormerApplicant: a transfer names the applicant it
// took the request from by user ID; one recorded before transfers did,
// by the e-mail of its diff (case and spaces aside).
func TestTookFromNamesTheFormerApplicant(t *testing.T) {
	camille := instruct.User{ID: "u-camille", Email: "Camille.Martin@mairie-lyon.fr"}
	yanis := instruct.User{ID: "u-yanis", Email: "yanis.robert@mairie-lyon.fr"}
	people := [2]any{map[string]any{"name": "Camille Martin", "email": " camille.martin@mairie-lyon.fr"},
		map[string]any{"name": "Yanis Robert", "email": yanis.Email}}
	legacy := instruct.Event{Kind: instruct.KindTransfer, Diff: instruct.Diff{"applicant": people}}
	named := instruct.Event{Kind: instruct.KindTransfer, Diff: instruct.Diff{"applicant": people,
		instruct.DiffApplicantID: {"u-other", yanis.ID}}}
	for _, c := range []struct {
		name string
		e    instruct.Event
		u    instruct.User
		want bool
	}{
		{"legacy, the former applicant", legacy, camille, true},
		{"legacy, the new applicant", legacy, yanis, false},
		{"by ID, someone else with the former e-mail", named, camille, false},
		{"by ID, the new applicant", named, yanis, false},
		{"by ID, the former applicant", named, instruct.User{ID: "u-other"}, true},
	} {
		if got := tookFrom(c.e, c.u); got != c.want {
			t.Errorf("%s: tookFrom = %v, want %v", c.name, got, c.want)
		}
	}
}
