package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// events returns the cached history of request id.
func events(t *testing.T, f fixture, id string) []instruct.Event {
	t.Helper()
	evs, err := f.st.Events(context.Background(), id)
	if err != nil {
		t.Fatalf("Events(%s): %v", id, err)
	}
	return evs
}

// TestReviewHeaderNamesFirstSubmission: a resubmitted request's header
// says its status and the date of its first submission, from its history,
// not only how long ago it was last submitted.
func TestReviewHeaderNamesFirstSubmission(t *testing.T) {
	f := newFixture(t)
	first := firstSubmission(events(t, f, f.resubmitted))
	if first == nil {
		t.Fatalf("%s has no submission in its history", f.resubmitted)
	}
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 200, 50)
	d.selectRequest(f.resubmitted)
	d.keys("enter")
	header := strings.Split(d.screen(), "\n")[2]
	for _, want := range []string{"Status: submitted", "first submitted " + first.Format("2006-01-02") + ", again "} {
		if !strings.Contains(header, want) {
			t.Errorf("the review header of %s = %q, want %q", f.resubmitted, header, want)
		}
	}
}
