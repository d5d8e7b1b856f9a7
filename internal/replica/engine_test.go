package replica

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// These tests use small fakes for sequences that a real server would
// hardly produce on cue, such as a failure in the middle of a push.

// memCache is an in-memory Cache recording the operations' states.
type memCache struct {
	mu     sync.Mutex
	ops    []instruct.Operation
	cursor string
	resets int
	pages  int
	last   time.Time
}

func (c *memCache) SetLastSync(_ context.Context, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = t
	return nil
}

func (c *memCache) LastSync(context.Context) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last, nil
}

// Heal has nothing to heal: memory is never damaged.
func (c *memCache) Heal(context.Context) (*instruct.CacheRecovery, error) { return nil, nil }

func (c *memCache) Pending(context.Context) ([]instruct.Operation, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []instruct.Operation
	for _, op := range c.ops {
		if op.Open() {
			out = append(out, op)
		}
	}
	return out, nil
}

func (c *memCache) Reject(ctx context.Context, id string, code instruct.Code, reason string) error {
	if err := c.SetOpState(ctx, id, instruct.OpRejected, reason, nil); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.ops {
		if c.ops[i].ID == id {
			c.ops[i].ReasonCode = code
		}
	}
	return nil
}

func (c *memCache) SetOpState(_ context.Context, id string, state instruct.OpState, reason string, conflict *instruct.StaleError) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.ops {
		if c.ops[i].ID == id {
			c.ops[i].State, c.ops[i].Reason, c.ops[i].Conflict = state, reason, conflict
			return nil
		}
	}
	return instruct.Errorf(instruct.CodeNotFound, "no operation %s", id)
}

func (c *memCache) SetClaimed(ctx context.Context, id string, claim instruct.Claim, reason string) error {
	return c.SetOpState(ctx, id, instruct.OpConflict, reason, nil)
}

func (c *memCache) Accept(ctx context.Context, id string, _ instruct.Request, _ instruct.Event) error {
	return c.SetOpState(ctx, id, instruct.OpAccepted, "", nil)
}

func (c *memCache) Cursor(context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cursor, nil
}

func (c *memCache) ApplyPage(_ context.Context, _ []instruct.FeedItem, cursor string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cursor = cursor
	c.pages++
	return nil
}

func (c *memCache) ResetFeed(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cursor = ""
	c.resets++
	return nil
}

func (c *memCache) PutDefinitions(context.Context, []instruct.Definition) error { return nil }
func (c *memCache) PutMe(context.Context, instruct.User) error                  { return nil }

func (c *memCache) Summary(context.Context) (instruct.SyncStatus, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s instruct.SyncStatus
	for _, op := range c.ops {
		switch op.State {
		case instruct.OpPending, instruct.OpSending:
			s.Pending++
		case instruct.OpConflict:
			s.Conflicts++
		case instruct.OpRejected:
			s.Rejected++
		}
	}
	return s, nil
}

func (c *memCache) states() []instruct.OpState {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []instruct.OpState
	for _, op := range c.ops {
		out = append(out, op.State)
	}
	return out
}

// scriptedAPI answers each decision with the error scripted for its
// request ("" accepts), and the feed with scripted errors, then pages.
type scriptedAPI struct {
	mu        sync.Mutex
	decisions map[string]error
	sent      []string
	feed      []error
	feedCalls []string
}

func (a *scriptedAPI) Me(context.Context) (instruct.User, error) { return instruct.User{ID: "u1"}, nil }
func (a *scriptedAPI) Definitions(context.Context) ([]instruct.Definition, error) {
	return nil, nil
}
func (a *scriptedAPI) Stream(ctx context.Context, _ func(), _ func(int64)) error {
	<-ctx.Done()
	return ctx.Err()
}

func (a *scriptedAPI) Decide(_ context.Context, key string, id instruct.RequestID, _ int64, in api.DecisionInput) (api.DecisionResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, id.String())
	if err := a.decisions[id.String()]; err != nil {
		return api.DecisionResult{}, err
	}
	return api.DecisionResult{Request: instruct.Request{ID: id}, Event: instruct.Event{Kind: in.Kind}}, nil
}

func (a *scriptedAPI) Note(ctx context.Context, key string, id instruct.RequestID, in api.NoteInput) (api.NoteResult, error) {
	res, err := a.Decide(ctx, key, id, 0, api.DecisionInput(in))
	return api.NoteResult{Event: res.Event}, err
}

func (a *scriptedAPI) Claim(ctx context.Context, key string, id instruct.RequestID, release, _ bool) (api.ClaimResult, error) {
	kind := instruct.KindClaim
	if release {
		kind = instruct.KindRelease
	}
	res, err := a.Decide(ctx, key, id, 0, api.DecisionInput{Kind: kind})
	return api.ClaimResult{Request: res.Request, Event: &res.Event}, err
}

// RevokeHabilitation records "H2041@3 comment" and answers as scripted
// for the habilitation's ID.
func (a *scriptedAPI) RevokeHabilitation(_ context.Context, _ string, id instruct.HabilitationID, ifMatch int64, comment string) (api.DecisionResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, fmt.Sprintf("%s@%d %s", id, ifMatch, comment))
	if err := a.decisions[id.String()]; err != nil {
		return api.DecisionResult{}, err
	}
	return api.DecisionResult{Event: instruct.Event{Kind: instruct.KindRevoke, HabilitationID: id}}, nil
}

// Transfer records "D5@2 → to" and answers as scripted for the request.
func (a *scriptedAPI) Transfer(_ context.Context, _ string, id instruct.RequestID, ifMatch int64, in api.TransferInput) (api.DecisionResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, fmt.Sprintf("%s@%d → %s", id, ifMatch, in.To))
	if err := a.decisions[id.String()]; err != nil {
		return api.DecisionResult{}, err
	}
	return api.DecisionResult{Request: instruct.Request{ID: id}, Event: instruct.Event{Kind: instruct.KindTransfer}}, nil
}

func (a *scriptedAPI) Changes(_ context.Context, cursor string, _ int) (api.ChangesPage, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.feedCalls = append(a.feedCalls, cursor)
	if len(a.feed) > 0 {
		err := a.feed[0]
		a.feed = a.feed[1:]
		return api.ChangesPage{}, err
	}
	return api.ChangesPage{Cursor: "c" + fmt.Sprint(len(a.feedCalls))}, nil
}

func threeOps() []instruct.Operation {
	return []instruct.Operation{
		{ID: "op1", RequestID: 1, Kind: instruct.KindApprove, BaseVersion: 2, State: instruct.OpPending},
		{ID: "op2", RequestID: 2, Kind: instruct.KindApprove, BaseVersion: 2, State: instruct.OpSending},
		{ID: "op3", RequestID: 3, Kind: instruct.KindNote, Comment: "vu", State: instruct.OpPending},
	}
}

func TestPushSequences(t *testing.T) {
	unavailable := instruct.Errorf(instruct.CodeUnavailable, "cannot reach the server")
	stale := &instruct.StaleError{Current: instruct.Request{ID: 2, Version: 3, Status: instruct.StatusRefused}}
	tests := []struct {
		name      string
		script    map[string]error
		wantErr   instruct.Code
		wantSent  []string
		wantState []instruct.OpState
		wantPull  bool
	}{
		{"all accepted", nil, "", []string{"D1", "D2", "D3"},
			[]instruct.OpState{instruct.OpAccepted, instruct.OpAccepted, instruct.OpAccepted}, true},
		{"offline in the middle stops the push and the pull",
			map[string]error{"D2": unavailable}, instruct.CodeUnavailable, []string{"D1", "D2"},
			[]instruct.OpState{instruct.OpAccepted, instruct.OpPending, instruct.OpPending}, false},
		{"a conflict doesn't stop the push",
			map[string]error{"D2": stale}, "", []string{"D1", "D2", "D3"},
			[]instruct.OpState{instruct.OpAccepted, instruct.OpConflict, instruct.OpAccepted}, true},
		{"a rejection doesn't stop the push",
			map[string]error{"D1": instruct.Errorf(instruct.CodeInvalidTransition, "cannot approve a request that is validated")},
			"", []string{"D1", "D2", "D3"},
			[]instruct.OpState{instruct.OpRejected, instruct.OpAccepted, instruct.OpAccepted}, true},
		{"a refused token is not a rejection",
			map[string]error{"D1": instruct.Errorf(instruct.CodeUnauthorized, "bad token")}, instruct.CodeUnauthorized, []string{"D1"},
			[]instruct.OpState{instruct.OpPending, instruct.OpSending, instruct.OpPending}, true},
		{"a server error leaves the op to the next sync",
			map[string]error{"D3": instruct.Errorf(instruct.CodeInternal, "boom")}, instruct.CodeInternal, []string{"D1", "D2", "D3"},
			[]instruct.OpState{instruct.OpAccepted, instruct.OpAccepted, instruct.OpPending}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := &memCache{ops: threeOps()}
			a := &scriptedAPI{decisions: tt.script}
			err := New(cache, a, Options{PushConcurrency: 1}).Sync(context.Background())
			if got := instruct.ErrorCode(err); got != tt.wantErr {
				t.Errorf("Sync() = %v, want code %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantSent, a.sent); diff != "" {
				t.Errorf("requests pushed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantState, cache.states()); diff != "" {
				t.Errorf("op states (-want +got):\n%s", diff)
			}
			if pulled := len(a.feedCalls) > 0; pulled != tt.wantPull {
				t.Errorf("pulled = %v, want %v", pulled, tt.wantPull)
			}
		})
	}
}

func TestConflictKeepsTheServersAccount(t *testing.T) {
	stale := &instruct.StaleError{
		Current:     instruct.Request{ID: 2, Version: 3, Status: instruct.StatusRefused},
		EventsSince: []instruct.Event{{Seq: 9, Kind: instruct.KindRefuse, Comment: "Hors finalité."}},
	}
	cache := &memCache{ops: threeOps()}
	err := New(cache, &scriptedAPI{decisions: map[string]error{"D2": stale}}, Options{}).Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	op := cache.ops[1]
	if diff := cmp.Diff(stale, op.Conflict); diff != "" {
		t.Errorf("conflict kept (-want +got):\n%s", diff)
	}
	if op.Reason == "" {
		t.Errorf("conflict reason is empty, want it in words")
	}
}

func TestExpiredCursorResetsOnce(t *testing.T) {
	expired := instruct.Errorf(instruct.CodeCursorExpired, "roles changed")
	tests := []struct {
		name       string
		cursor     string
		feed       []error
		wantErr    instruct.Code
		wantResets int
		wantCalls  []string
	}{
		{"old cursor: reset and pull from the start", "c7", []error{expired}, "", 1, []string{"c7", ""}},
		{"expired again from the start: give up", "c7", []error{expired, expired}, instruct.CodeCursorExpired, 1, []string{"c7", ""}},
		{"expired part-way through a first pull: reset and start again", "", []error{expired}, "", 1, []string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := &memCache{cursor: tt.cursor}
			a := &scriptedAPI{feed: tt.feed}
			err := New(cache, a, Options{}).Sync(context.Background())
			if got := instruct.ErrorCode(err); got != tt.wantErr {
				t.Errorf("Sync() = %v, want code %q", err, tt.wantErr)
			}
			if cache.resets != tt.wantResets {
				t.Errorf("ResetFeed called %d times, want %d", cache.resets, tt.wantResets)
			}
			if diff := cmp.Diff(tt.wantCalls, a.feedCalls); diff != "" {
				t.Errorf("feed cursors asked (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlainErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"none", nil, ""},
		{"offline", fmt.Errorf("push: %w", errors.Join(instruct.ErrUnreachable, instruct.Errorf(instruct.CodeUnavailable, "x"))), "the server is out of reach; decisions are kept and will be sent"},
		{"server unavailable", fmt.Errorf("push: %w", instruct.Errorf(instruct.CodeUnavailable, "x")), "the server is unavailable for now; decisions are kept and will be sent"},
		{"disk full", fmt.Errorf("apply feed page: %w", errors.Join(instruct.ErrDiskFull, errors.New("database or disk is full (13)"))), "disk full: free some space on this computer; recorded decisions are kept"},
		{"token", instruct.Errorf(instruct.CodeUnauthorized, "x"), "the server refused the token; sign in again"},
		{"interrupted", fmt.Errorf("push: %w", context.Canceled), "the sync was interrupted"},
		{"server words", instruct.Errorf(instruct.CodeForbidden, "your role does not allow it"), "your role does not allow it"},
		{"local", errors.New("apply feed page: disk full"), "apply feed page: disk full"},
	}
	for _, tt := range tests {
		if got := plainError(tt.err); got != tt.want {
			t.Errorf("plainError(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestOnlineFromOutcome(t *testing.T) {
	tests := []struct {
		name string
		err  error
		was  bool
		want bool
	}{
		{"success", nil, false, true},
		{"network failure", fmt.Errorf("pull: %w", instruct.Errorf(instruct.CodeUnavailable, "x")), true, false},
		{"server answer", instruct.Errorf(instruct.CodeForbidden, "x"), false, true},
		{"local failure keeps what was known", errors.New("apply feed page: disk full"), true, true},
		{"interruption keeps what was known", context.Canceled, false, false},
	}
	for _, tt := range tests {
		if got := online(tt.err, tt.was); got != tt.want {
			t.Errorf("%s: online(%v, %v) = %v, want %v", tt.name, tt.err, tt.was, got, tt.want)
		}
	}
}

// slowAPI accepts every operation after a short wait, recording the order
// of each request's operations and how many were under way at once.
type slowAPI struct {
	scriptedAPI
	mu      sync.Mutex
	order   map[instruct.RequestID][]string
	active  int
	maxSeen int
}

func (a *slowAPI) Note(ctx context.Context, key string, id instruct.RequestID, in api.NoteInput) (api.NoteResult, error) {
	a.mu.Lock()
	a.active++
	a.maxSeen = max(a.maxSeen, a.active)
	a.order[id] = append(a.order[id], key)
	a.mu.Unlock()
	time.Sleep(time.Millisecond)
	a.mu.Lock()
	a.active--
	a.mu.Unlock()
	return api.NoteResult{Event: instruct.Event{Kind: in.Kind}}, nil
}

func TestPushLanesKeepEachRequestsOrder(t *testing.T) {
	cache := &memCache{}
	want := map[instruct.RequestID][]string{}
	for i := range 60 {
		id := instruct.RequestID(1 + i%12)
		key := fmt.Sprintf("op%02d", i)
		cache.ops = append(cache.ops, instruct.Operation{ID: key, RequestID: id, Kind: instruct.KindNote,
			Comment: "vu", State: instruct.OpPending})
		want[id] = append(want[id], key)
	}
	a := &slowAPI{order: map[instruct.RequestID][]string{}}
	if err := New(cache, a, Options{PushConcurrency: 4}).Sync(context.Background()); err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	if diff := cmp.Diff(want, a.order); diff != "" {
		t.Errorf("operations per request, in the order sent (-want +got):\n%s", diff)
	}
	if a.maxSeen < 2 || a.maxSeen > 4 {
		t.Errorf("operations under way at once = %d, want 2 to 4", a.maxSeen)
	}
	if st, _ := cache.Summary(context.Background()); st.Pending != 0 {
		t.Errorf("Summary() = %+v, want every operation accepted", st)
	}
}
