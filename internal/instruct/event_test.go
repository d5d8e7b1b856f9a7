package instruct

import (
	"strings"
	"testing"
	"time"
)

// TestApplicantMessagesFollowTransfers: a request's applicant messages
// are those marked so, and, among messages recorded before messages were
// marked, the creator's until a first transfer; a reviewer's message
// never is, nor, after a transfer, the former applicant's.
func TestApplicantMessagesFollowTransfers(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(seq int64, k Kind, who string, marked bool) Event {
		return Event{Seq: seq, RequestID: 1001, Kind: k, Actor: Actor{ID: who}, FromApplicant: marked, At: at}
	}
	events := []Event{
		ev(1, KindCreate, "camille", false),
		ev(2, KindMessage, "camille", false), // recorded before marks: the creator's
		ev(3, KindMessage, "jeanne", false),  // a reviewer's
		ev(4, KindMessage, "camille", true),
		ev(5, KindTransfer, "jeanne", false),
		ev(6, KindMessage, "yanis", true),    // the new applicant
		ev(7, KindMessage, "camille", false), // the former one, unmarked
		ev(8, KindTransfer, "jeanne", false),
		ev(9, KindMessage, "lea", true),
		ev(10, KindNote, "camille", true), // not a message
	}
	got := ApplicantMessages(events)
	want := map[int64]bool{2: true, 4: true, 6: true, 9: true}
	if len(got) != len(want) {
		t.Errorf("ApplicantMessages() = %v, want %v", got, want)
	}
	for seq := range want {
		if !got[seq] {
			t.Errorf("ApplicantMessages() = %v, want %v", got, want)
		}
	}
}

// TestFromApplicantKeepsOldHashes: an event without the mark encodes as
// it did before the field existed, so the hashes of the events already
// in a log still verify; a marked message's encoding says so.
func TestFromApplicantKeepsOldHashes(t *testing.T) {
	e := Event{Seq: 3, RequestID: 1001, Kind: KindMessage, Actor: Actor{ID: "u1", Name: "Camille"}, Comment: "Merci",
		At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	old := `{"seq":3,"request_id":"D1001","kind":"message","actor":{"id":"u1","name":"Camille"},"comment":"Merci","at":"2026-03-02T09:00:00Z"}`
	if b, err := CanonicalJSON(e); err != nil || string(b) != old {
		t.Errorf("CanonicalJSON(unmarked) = %s, %v; want %s", b, err, old)
	}
	e.FromApplicant = true
	if b, _ := CanonicalJSON(e); !strings.Contains(string(b), `"from_applicant":true,"at"`) {
		t.Errorf("CanonicalJSON(marked) = %s, want from_applicant before at", b)
	}
}

// TestTransferNamesTheApplicants: a transfer's event names the former
// and the new applicant by user ID, whom ApplicantAfter follows; an
// older transfer's event, without them, leaves the applicant unknown.
func TestTransferNamesTheApplicants(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := &Holding{Request: Request{ID: 1001, Status: StatusValidated, Applicant: Person{Name: "Camille", Email: "c@x.fr"}}, CreatedBy: "camille"}
	e, _, err := Transfer{Actor: Actor{ID: "jeanne"}, To: User{ID: "yanis", Name: "Yanis", Email: "y@x.fr"}, Comment: "Départ.", At: at}.ApplyHolding(h)
	if err != nil {
		t.Fatal(err)
	}
	if from, to := e.TransferredApplicants(); from != "camille" || to != "yanis" {
		t.Errorf("TransferredApplicants() = %q, %q; want camille, yanis", from, to)
	}
	if got := e.ApplicantAfter("camille"); got != "yanis" {
		t.Errorf("ApplicantAfter(transfer) = %q, want yanis", got)
	}
	delete(e.Diff, DiffApplicantID)
	if got := e.ApplicantAfter("camille"); got != "" {
		t.Errorf("ApplicantAfter(transfer without IDs) = %q, want unknown", got)
	}
}
