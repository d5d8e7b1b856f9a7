package ledger

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// tricky is text encoding/json escapes or keeps as is.
const tricky = "Délibération n°2024-12 du \"conseil\" <b>&</b>\n\tC:\\chemin 😀 \u2028 \x01 fin"

func testRequests() map[string]instruct.Request {
	full := histories(1, "api_particulier")[0].Request
	full.ID, full.Description = 1042, tricky
	full.Contacts = []instruct.Contact{
		{Role: instruct.ContactDPO, Name: "Élise Petit", Email: "dpo@ville.fr", Phone: "+33 1 23 45 67 89", JobTitle: "DPD"},
		{Role: instruct.ContactTechnical, Name: tricky},
	}
	full.LegalBasis = instruct.LegalBasis{Nature: "Article L114-8 du CRPA", URL: "https://www.legifrance.gouv.fr/", Document: ptr("délibération.pdf")}
	full.RetentionJustification = ptr(tricky)
	full.SubmittedAt, full.DecidedAt = ptr(t0.Add(time.Hour)), ptr(t0.Add(49*time.Hour+time.Nanosecond))
	full.Reopening = true
	full.HabilitationIDs = []instruct.HabilitationID{2041, 2077}
	full.Claim = &instruct.Claim{User: instruct.Actor{ID: "u-1", Name: tricky}, At: t0.Add(2 * time.Hour)}
	empty := instruct.Request{Contacts: []instruct.Contact{}, Scopes: []string{}}
	offset := full
	offset.CreatedAt = time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	return map[string]instruct.Request{"full": full, "zero": {}, "empty lists": empty, "time with an offset": offset}
}

func TestDecodeRequestAgreesWithEncodingJSON(t *testing.T) {
	for name, r := range testRequests() {
		body, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := readCanonicalRequest(string(body))
		if !ok {
			t.Errorf("%s: readCanonicalRequest(%s) did not read the layout of json.Marshal", name, body)
			continue
		}
		if r.Claim == nil {
			// A body stored before claims existed has no claim field.
			if old, ok := readCanonicalRequest(strings.Replace(string(body), `,"claim":null`, "", 1)); !ok || old.Claim != nil {
				t.Errorf("%s: readCanonicalRequest(body without claim) = %v, ok %v", name, old.Claim, ok)
			}
		}
		var want instruct.Request
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, fast); diff != "" {
			t.Errorf("%s: readCanonicalRequest() differs from json.Unmarshal (-json +fast):\n%s", name, diff)
		}
	}
}

func testEvents() map[string]instruct.Event {
	return map[string]instruct.Event{
		"plain":   {Seq: 7, RequestID: 1000, Kind: instruct.KindApprove, Actor: reviewer, At: t0},
		"comment": {Seq: 8, RequestID: 1000, Kind: instruct.KindRefuse, Actor: reviewer, Comment: tricky, At: t0.Add(time.Nanosecond)},
		"diff": {Seq: 9, RequestID: 1000, Kind: instruct.KindUpdate, Actor: applicant, At: t0, Diff: instruct.Diff{
			"scopes":       {[]string{"a"}, []string{"a", "b"}},
			"title":        {"Avant", tricky},
			"organization": {instruct.Organization{Name: "{[\"}"}, nil},
		}},
		"unicode actor":     {Seq: 10, RequestID: 1, Kind: instruct.KindNote, Actor: instruct.Actor{ID: "u", Name: tricky}, Comment: "ok", At: t0},
		"habilitation":      {Seq: 11, RequestID: 1000, Kind: instruct.KindApprove, Actor: reviewer, HabilitationID: 2041, Reopening: true, At: t0},
		"applicant message": {Seq: 13, RequestID: 1000, Kind: instruct.KindMessage, Actor: applicant, Comment: tricky, FromApplicant: true, At: t0},
		"transfer": {Seq: 12, RequestID: 1000, Kind: instruct.KindTransfer, Actor: reviewer, Comment: "départ", At: t0, Diff: instruct.Diff{
			"applicant": {instruct.Person{Name: "A", Email: "a@x.fr"}, instruct.Person{Name: "B", Email: "b@x.fr"}},
		}},
	}
}

func TestDecodeEventAgreesWithEncodingJSON(t *testing.T) {
	for name, e := range testEvents() {
		s, err := seal(e, "")
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := readCanonicalEvent(string(s.body))
		if !ok {
			t.Errorf("%s: readCanonicalEvent(%s) did not read the canonical layout", name, s.body)
			continue
		}
		var want instruct.Event
		if err := json.Unmarshal(s.body, &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, fast); diff != "" {
			t.Errorf("%s: readCanonicalEvent() differs from json.Unmarshal (-json +fast):\n%s", name, diff)
		}
		if got, _ := instruct.ChainHash("", fast); got != s.hash {
			t.Errorf("%s: the event read back hashes to %s, want %s", name, got, s.hash)
		}
	}
}

func TestChainHashMatchesDomain(t *testing.T) {
	for name, e := range testEvents() {
		s, err := seal(e, "prev")
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := instruct.ChainHash("prev", s.event); s.hash != want {
			t.Errorf("%s: seal() hash = %s, instruct.ChainHash = %s", name, s.hash, want)
		}
	}
}

// FuzzDecodeEvent checks that whatever the direct reader accepts,
// encoding/json reads the same way.
func FuzzDecodeEvent(f *testing.F) {
	for _, e := range testEvents() {
		s, _ := seal(e, "")
		f.Add(string(s.body))
	}
	f.Add(`{"seq":1,"request_id":"D1","kind":"note","actor":{"id":"a","name":"\ud83d\ude00"},"at":"2026-01-01T00:00:00Z"}`)
	f.Fuzz(func(t *testing.T, body string) {
		fast, ok := readCanonicalEvent(body)
		if !ok {
			return
		}
		var want instruct.Event
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("readCanonicalEvent(%q) accepted what json.Unmarshal refuses: %v", body, err)
		}
		if diff := cmp.Diff(want, fast); diff != "" {
			t.Fatalf("readCanonicalEvent(%q) differs from json.Unmarshal (-json +fast):\n%s", body, diff)
		}
	})
}

// FuzzDecodeRequest checks that whatever the direct reader accepts,
// encoding/json reads the same way.
func FuzzDecodeRequest(f *testing.F) {
	for _, r := range testRequests() {
		body, _ := json.Marshal(r)
		f.Add(string(body))
	}
	f.Fuzz(func(t *testing.T, body string) {
		fast, ok := readCanonicalRequest(body)
		if !ok {
			return
		}
		var want instruct.Request
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("readCanonicalRequest(%q) accepted what json.Unmarshal refuses: %v", body, err)
		}
		if diff := cmp.Diff(want, fast); diff != "" {
			t.Fatalf("readCanonicalRequest(%q) differs from json.Unmarshal (-json +fast):\n%s", body, diff)
		}
	})
}

func TestSealNormalisesToWhatReadsBack(t *testing.T) {
	events := testEvents()
	events["invalid UTF-8"] = instruct.Event{Seq: 11, RequestID: 1, Kind: instruct.KindNote, Actor: reviewer, Comment: "bad \xff byte", At: t0}
	events["local time"] = instruct.Event{Seq: 12, RequestID: 1, Kind: instruct.KindNote, Actor: reviewer, Comment: "ok",
		At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))}
	for name, e := range events {
		s, err := seal(e, "prev")
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeEvent(string(s.body))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(back, s.event); diff != "" {
			t.Errorf("%s: seal() event differs from the event its body reads back as (-read +sealed):\n%s", name, diff)
		}
		if again, _ := instruct.CanonicalJSON(back); string(again) != string(s.body) {
			t.Errorf("%s: the event read back encodes to %s, want the body hashed %s", name, again, s.body)
		}
		if s.event.At.Location() != time.UTC {
			t.Errorf("%s: sealed time in %v, want UTC", name, s.event.At.Location())
		}
	}
}
