package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// heavyDraft is a draft whose two long texts are as long as allowed, in
// the character JSON writes in 6 bytes: about 120 KB a request.
func heavyDraft(def, title string) instruct.RequestPatch {
	p := fullPatch(def, title)
	p.Description = ptr(strings.Repeat("<", instruct.MaxLongTextLength))
	p.LegalBasis = &instruct.LegalBasis{Nature: strings.Repeat(">", instruct.MaxLongTextLength)}
	return p
}

// pullPages pages through the change feed as c, from the start, and
// returns each page's size and every request ID it carried.
func pullPages(t *testing.T, c *caller, limit int) (sizes []int, seen map[string]int) {
	t.Helper()
	seen = map[string]int{}
	cursor := ""
	for range 1000 {
		res := c.do("GET", "/changes?limit="+strconv.Itoa(limit)+"&after="+cursor, nil)
		page := decodeAs[api.ChangesPage](t, res, http.StatusOK)
		sizes = append(sizes, len(res.body))
		for _, it := range page.Changes {
			seen[it.Request.ID.String()]++
		}
		if !page.More {
			return sizes, seen
		}
		if len(page.Changes) == 0 {
			t.Fatalf("a page with more to follow holds no item")
		}
		cursor = page.Cursor
	}
	t.Fatal("the feed never ended")
	return nil, nil
}

// A page of the change feed is packed by its encoded size: 40 drafts of
// 120 KB each (escape-heavy) make several pages within the budget, and
// together they carry every draft once.
func TestFeedPagesPackedByBytes(t *testing.T) {
	e := newEnv(t)
	applicant := e.addUser("Mallory Martin")
	reviewer := e.addUser("Jeanne Durand", "*:instructor")
	const n = 40
	for i := range n {
		res := applicant.do("POST", "/requests", heavyDraft("api_particulier", "Cantine "+strconv.Itoa(i)))
		decodeAs[instruct.Request](t, res, http.StatusCreated)
	}

	sizes, seen := pullPages(t, reviewer, 1000)

	if len(sizes) < 2 {
		t.Errorf("the feed of %d drafts of 120 KB came in %d page(s) of %v bytes, want several within %d bytes", n, len(sizes), sizes, api.FeedPageBudget)
	}
	for i, size := range sizes {
		if size > api.FeedPageBudget {
			t.Errorf("page %d weighs %d bytes, over the budget of %d", i+1, size, api.FeedPageBudget)
		}
	}
	if len(seen) != n {
		t.Errorf("the pages carried %d requests, want %d", len(seen), n)
	}
	for id, times := range seen {
		if times != 1 {
			t.Errorf("%s came %d times, want once", id, times)
		}
	}

	list := reviewer.do("GET", "/requests?limit=1000", nil)
	page := decodeAs[api.RequestList](t, list, http.StatusOK)
	if len(list.body) > api.FeedPageBudget || page.Next == nil || len(page.Requests) == 0 {
		t.Errorf("GET /requests of %d drafts = %d requests in %d bytes, next %v; want a page within %d bytes and a next one",
			n, len(page.Requests), len(list.body), page.Next, api.FeedPageBudget)
	}
}

// A request whose history alone outweighs the page budget (reviewers'
// long notes) comes alone on its page, and the feed moves on.
func TestFeedPageHoldsAtLeastOneItem(t *testing.T) {
	e := newEnv(t)
	applicant := e.addUser("Camille Martin")
	reviewer := e.addUser("Jeanne Durand", "*:instructor")
	heavy := []instruct.Request{applicant.submitted("api_particulier", "Cantine"), applicant.submitted("api_particulier", "Piscine")}
	note := api.NoteInput{Kind: instruct.KindNote, Comment: strings.Repeat("<", instruct.MaxCommentLength)}
	for _, r := range heavy {
		for range api.FeedPageBudget/(6*instruct.MaxCommentLength) + 1 {
			res := reviewer.do("POST", "/requests/"+r.ID.String()+"/notes", note, key(newKey()))
			if res.status != http.StatusCreated {
				t.Fatalf("note on %s = %d %s", r.ID, res.status, res.body)
			}
		}
	}

	sizes, seen := pullPages(t, reviewer, 1000)

	if len(sizes) != 2 || len(seen) != 2 {
		t.Errorf("two requests each over the budget came in %d pages of %v bytes, carrying %v; want one a page", len(sizes), sizes, seen)
	}
	for i, size := range sizes {
		if size > api.MaxFeedPageBytes {
			t.Errorf("page %d weighs %d bytes, over MaxFeedPageBytes %d", i+1, size, api.MaxFeedPageBytes)
		}
	}
}

// An applicant's excesses get the documented problems: 413 naming the
// field, 422 saying how many, 429 with Retry-After.
func TestApplicantLimitsAnsweredWithProblems(t *testing.T) {
	e := newEnv(t, withQuotas(instruct.DefaultQuotas()))
	applicant := e.addUser("Mallory Martin")

	long := fullPatch("api_particulier", "Cantine")
	long.Description = ptr(strings.Repeat("<", instruct.MaxLongTextLength+1))
	p := problem(t, applicant.do("POST", "/requests", long), http.StatusRequestEntityTooLarge, instruct.CodeTooLarge)
	if !strings.Contains(p.Detail, "description") || !strings.Contains(p.Detail, "10000") {
		t.Errorf("detail = %q, want it to name the description and its limit", p.Detail)
	}

	many := fullPatch("api_particulier", "Cantine")
	scopes := make([]string, instruct.MaxScopes+1)
	for i := range scopes {
		scopes[i] = "cnaf_quotient_familial"
	}
	many.Scopes = &scopes
	p = problem(t, applicant.do("POST", "/requests", many), http.StatusUnprocessableEntity, instruct.CodeInvalid)
	if !strings.Contains(p.Detail, "at most 50 scopes") {
		t.Errorf("detail = %q, want it to say at most 50 scopes", p.Detail)
	}

	r := applicant.draft("api_particulier", "Cantine")
	edit := instruct.RequestPatch{Volumetry: ptr(strings.Repeat("9", instruct.MaxVolumetryLength+1))}
	p = problem(t, applicant.do("PATCH", "/requests/"+r.ID.String(), edit, ifMatch(r.Version)), http.StatusRequestEntityTooLarge, instruct.CodeTooLarge)
	if !strings.Contains(p.Detail, "volumetry") {
		t.Errorf("detail = %q, want it to name the volumetry", p.Detail)
	}

	for range instruct.DefaultQuotas().CreationsPerHour - 1 {
		applicant.draft("api_particulier", "Cantine")
	}
	res := applicant.do("POST", "/requests", fullPatch("api_particulier", "Une de trop"))
	p = problem(t, res, http.StatusTooManyRequests, instruct.CodeRateLimited)
	wait, err := strconv.Atoi(res.header.Get(api.HeaderRetryAfter))
	if err != nil || wait < 3500 || wait > 3600 {
		t.Errorf("Retry-After = %q, want the seconds until the first creation is an hour old", res.header.Get(api.HeaderRetryAfter))
	}
	if !strings.Contains(p.Detail, "in the last hour") {
		t.Errorf("detail = %q, want it to say why", p.Detail)
	}
}

// The largest answer of GET /requests/{id}/events is what a feed item
// may weigh.
func TestEventsAnswerWithinFeedItemBound(t *testing.T) {
	e := newEnv(t)
	applicant := e.addUser("Camille Martin")
	reviewer := e.addUser("Jeanne Durand", "*:instructor")
	r := applicant.submitted("api_particulier", "Cantine")
	note := api.NoteInput{Kind: instruct.KindNote, Comment: strings.Repeat("<", instruct.MaxCommentLength)}
	for range 20 {
		reviewer.do("POST", "/requests/"+r.ID.String()+"/notes", note, key(newKey()))
	}
	res := reviewer.do("GET", "/requests/"+r.ID.String()+"/events", nil)
	var list api.EventList
	if err := json.Unmarshal(res.body, &list); err != nil || len(list.Events) != 22 {
		t.Fatalf("GET events = %d events, %v", len(list.Events), err)
	}
	perEvent := len(res.body) / len(list.Events)
	if perEvent > instruct.MaxEventBytes {
		t.Errorf("events weigh %d bytes each, over MaxEventBytes %d", perEvent, instruct.MaxEventBytes)
	}
}
