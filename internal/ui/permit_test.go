package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// withStatus sets request id to status in the cache, as a sync would
// bring it, and returns its ID.
func withStatus(t *testing.T, f fixture, id instruct.RequestID, status instruct.Status, seq int64) instruct.RequestID {
	t.Helper()
	ctx := context.Background()
	r, err := f.st.Request(ctx, id)
	if err != nil {
		t.Fatalf("Request(%s): %v", id, err)
	}
	r.Status, r.Version, r.UpdatedAt = status, r.Version+1, testNow.Add(-time.Hour)
	if err := f.st.ApplyPage(ctx, []instruct.FeedItem{{Seq: seq, Request: r}}, "status"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
	return id
}

// firstWithStatus returns a request in status that the reviewer may
// decide on.
func firstWithStatus(t *testing.T, f fixture, status instruct.Status) instruct.RequestID {
	t.Helper()
	items, err := f.st.Queue(context.Background(), instruct.QueueQuery{Statuses: []instruct.Status{status}, Sort: instruct.SortAge})
	if err != nil {
		t.Fatalf("Queue: %v", err)
	}
	me := reviewer(t)
	for _, it := range items {
		if me.CanDecide(it.Definition) && it.Op == "" {
			return it.ID
		}
	}
	t.Fatalf("no %s request the reviewer may decide on", status)
	return 0
}

// TestForbiddenDecisionSaysWhyAtOnce presses the key of every decision on
// requests whose status forbids it, or allows it: a forbidden one says
// why in the reviewer's language at once and opens no form; an allowed
// one opens its form.
func TestForbiddenDecisionSaysWhyAtOnce(t *testing.T) {
	f := newFixture(t)
	validated := firstWithStatus(t, f, instruct.StatusValidated)
	revoked := withStatus(t, f, firstWithStatus(t, f, instruct.StatusRefused), instruct.StatusRevoked, 1<<43)
	cases := []struct {
		name   string
		id     instruct.RequestID
		status instruct.Status
		key    string
		kind   instruct.Kind
		allow  bool
	}{
		{"refuse an approved request", validated, instruct.StatusValidated, "x", instruct.KindRefuse, false},
		{"approve an approved request", validated, instruct.StatusValidated, "a", instruct.KindApprove, false},
		{"ask changes on an approved request", validated, instruct.StatusValidated, "c", instruct.KindRequestChanges, false},
		{"archive an approved request", validated, instruct.StatusValidated, "z", instruct.KindArchive, false},
		{"revoke an approved request", validated, instruct.StatusValidated, "R", instruct.KindRevoke, true},
		{"write to the applicant of an approved request", validated, instruct.StatusValidated, "m", instruct.KindMessage, true},
		{"approve a revoked request", revoked, instruct.StatusRevoked, "a", instruct.KindApprove, false},
		{"refuse a revoked request", revoked, instruct.StatusRevoked, "x", instruct.KindRefuse, false},
		{"revoke a revoked request", revoked, instruct.StatusRevoked, "R", instruct.KindRevoke, false},
		{"archive a revoked request", revoked, instruct.StatusRevoked, "z", instruct.KindArchive, true},
		{"revoke a submitted request", f.decidable, instruct.StatusSubmitted, "R", instruct.KindRevoke, false},
		{"note on a revoked request", revoked, instruct.StatusRevoked, "n", instruct.KindNote, true},
	}
	for _, lang := range []string{"fr", "en"} {
		msgs := i18n.For(lang)
		for _, tc := range cases {
			t.Run(lang+"/"+tc.name, func(t *testing.T) {
				d := newDriver(t, Options{Cache: f.st, Lang: lang}, 120, 40)
				d.selectRequest(tc.id)
				d.keys(tc.key)
				if tc.allow {
					if d.m.overlay != overlayForm || d.m.form.Kind() != tc.kind || d.m.form.Target().RequestID != tc.id {
						t.Fatalf("%s on %s opened no %s form:\n%s", tc.key, tc.id, tc.kind, d.screen())
					}
					return
				}
				want := msgs.ErrTransition(tc.kind, tc.status)
				if d.m.overlay == overlayForm {
					t.Fatalf("%s on a %s request opened the form", tc.key, tc.status)
				}
				if footer := lastLine(d.screen()); !strings.Contains(footer, want) {
					t.Errorf("after %s the footer reads %q, want %q", tc.key, footer, want)
				}
			})
		}
	}
}

// TestSecondDecisionWhileOneWaitsSaysSo: with a decision of the reviewer
// waiting to be sent, any other decision key says so at once.
func TestSecondDecisionWhileOneWaitsSaysSo(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.Record(context.Background(), f.decidable, instruct.KindApprove, ""); err != nil {
		t.Fatalf("Record: %v", err)
	}
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.keys("tab", "tab") // the Validated tab, where the approval shows
	d.selectRequest(f.decidable)
	d.keys("R")
	want := i18n.French().ErrWaiting(f.decidable.String())
	if d.m.overlay == overlayForm || !strings.Contains(lastLine(d.screen()), want) {
		t.Errorf("R on a request whose approval waits opened the form or did not say why:\n%s", d.screen())
	}
}

// lastLine returns the last line of screen.
func lastLine(screen string) string {
	lines := strings.Split(screen, "\n")
	return lines[len(lines)-1]
}

// brokenCache is a cache whose reads of one request fail with a driver's
// English error.
type brokenCache struct {
	Cache
	broken instruct.RequestID
}

const driverError = "sqlite: database disk image is malformed (11)"

func (c brokenCache) Request(ctx context.Context, id instruct.RequestID) (instruct.Request, error) {
	if id == c.broken {
		return instruct.Request{}, errors.New(driverError)
	}
	return c.Cache.Request(ctx, id)
}

// TestErrorsReachAFrenchScreenInFrench makes the cache fail on a read and
// refuse a decision, each with an English text of its own: the French
// screen says what happened in French and never shows that text.
func TestErrorsReachAFrenchScreenInFrench(t *testing.T) {
	f := newFixture(t)
	fr := i18n.French()
	d := newDriver(t, Options{Cache: brokenCache{Cache: f.st, broken: f.decidable}}, 200, 50)
	d.selectRequest(f.decidable)
	screen := d.screen()
	if want := fr.CacheError(fr.ErrCode(instruct.CodeInternal)); !strings.Contains(lastLine(screen), want) {
		t.Errorf("a broken read shows %q, want %q", lastLine(screen), want)
	}
	if strings.Contains(screen, "malformed") {
		t.Errorf("the driver's English error reached the French screen:\n%s", screen)
	}

	d = newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(f.decidable)
	if _, err := f.st.Record(context.Background(), f.decidable, instruct.KindApprove, ""); err != nil {
		t.Fatalf("Record: %v", err)
	}
	d.keys("a", "ctrl+s", "y")
	want := fr.ErrOther(fr.ErrCode(instruct.CodeInvalidTransition))
	if d.m.overlay != overlayForm || d.m.form.Err() != want {
		t.Errorf("the cache's refusal reads %q in the form, want %q", d.m.form.Err(), want)
	}
	if s := d.screen(); strings.Contains(s, "already has a decision") || strings.Contains(s, "waiting to be sent") {
		t.Errorf("the cache's English refusal reached the French screen:\n%s", s)
	}
}
