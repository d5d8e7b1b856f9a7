package sshd

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// FeedService is what the read model's feed needs of the review service
// (internal/review).
type FeedService interface {
	// Catalogue returns the API catalogue.
	Catalogue() []instruct.Definition
	// Changes returns what u may see of the requests changed after seq
	// `after` for a pull that began at base, and whether more follow.
	Changes(ctx context.Context, u instruct.User, base, after int64, limit int) ([]instruct.FeedItem, bool, error)
	// Subscribe hears of the changes made through the service that u may
	// see; the caller closes the subscription.
	Subscribe(u instruct.User) *review.Subscription
}

// FeedLedger is what the read model's feed needs of the server's
// database (internal/ledger).
type FeedLedger interface {
	// LastSeq returns the last seq assigned.
	LastSeq(ctx context.Context) (int64, error)
	// FeedHorizon returns the oldest seq a cursor may carry.
	FeedHorizon(ctx context.Context) (int64, error)
	// Changed returns a channel closed at the next change committed by
	// any instance sharing the database; nil when there is no other
	// instance to hear from (SQLite).
	Changed() <-chan struct{}
}

// Reader is the user the read model reads the feed as: a reporter of
// every API, who sees every request and every event. It never signs in
// and decides nothing; sessions decide as their own user.
var Reader = instruct.User{ID: "ssh-serve", Name: "ssh-serve read model",
	Roles: []instruct.Grant{{Definition: instruct.AllDefinitions, Role: instruct.RoleReporter}}}

// DefaultFeedPoll is how often the feed's stream looks for changes that
// neither this process's service nor the database announced: those of
// another process writing to the same SQLite file.
const DefaultFeedPoll = 5 * time.Second

// Feed is the change feed of every request read in-process, from the
// review service and the ledger, with no HTTP and no token: the sync
// engine (internal/replica.Follow) keeps the read model of ssh-serve with
// it. Create it with NewFeed.
type Feed struct {
	svc    FeedService
	ledger FeedLedger
	poll   time.Duration
}

// NewFeed returns the feed of svc and l; poll is how often its stream
// polls the ledger (0 means DefaultFeedPoll).
func NewFeed(svc FeedService, l FeedLedger, poll time.Duration) *Feed {
	if poll <= 0 {
		poll = DefaultFeedPoll
	}
	return &Feed{svc: svc, ledger: l, poll: poll}
}

// Me returns Reader.
func (f *Feed) Me(context.Context) (instruct.User, error) { return Reader, nil }

// Definitions returns the service's catalogue.
func (f *Feed) Definitions(context.Context) ([]instruct.Definition, error) {
	return slices.Clone(f.svc.Catalogue()), nil
}

// Changes returns the page of the feed after cursor, as the HTTP API's
// change feed would to a reporter of every API: part-way through a pull,
// the cursor keeps the seq the pull began at; on the last page it moves
// to the last seq assigned. A cursor older than the feed keeps, or not of
// this feed, fails with cursor_expired, and the engine pulls everything
// again.
func (f *Feed) Changes(ctx context.Context, cursor string, limit int) (api.ChangesPage, error) {
	c, err := parseFeedCursor(cursor)
	if err != nil {
		return api.ChangesPage{}, err
	}
	if err := f.checkHorizon(ctx, c); err != nil {
		return api.ChangesPage{}, err
	}
	last, err := f.ledger.LastSeq(ctx)
	if err != nil {
		return api.ChangesPage{}, err
	}
	items, more, err := f.svc.Changes(ctx, Reader, c.base, c.seq, limit)
	if err != nil {
		return api.ChangesPage{}, err
	}
	next := c
	if len(items) > 0 {
		next.seq = max(next.seq, items[len(items)-1].Seq)
	}
	if !more {
		next.seq = max(next.seq, last)
		next.base = next.seq
	}
	return api.ChangesPage{Changes: items, Cursor: next.String(), More: more}, nil
}

// checkHorizon refuses a cursor the feed was purged past.
func (f *Feed) checkHorizon(ctx context.Context, c feedCursor) error {
	if c.seq == 0 {
		return nil
	}
	horizon, err := f.ledger.FeedHorizon(ctx)
	if err != nil {
		return err
	}
	if c.base < horizon {
		return instruct.Errorf(instruct.CodeCursorExpired, "the read model's cursor is older than the changes the ledger keeps")
	}
	return nil
}

// Stream calls opened once it listens, then onChange whenever something
// changed: at once for a change made through this process's review
// service, at the database's notification for one made by another
// instance sharing it (PostgreSQL), and at the next poll for any other. It
// returns when ctx ends.
func (f *Feed) Stream(ctx context.Context, opened func(), onChange func(seq int64)) error {
	sub := f.svc.Subscribe(Reader)
	defer sub.Close()
	opened()
	poll := time.NewTicker(f.poll)
	defer poll.Stop()
	changed := f.ledger.Changed()
	seen, _ := f.ledger.LastSeq(ctx)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-sub.Wake():
			seq := sub.Take()
			seen = max(seen, seq)
			onChange(seq)
		case <-changed:
			changed = f.ledger.Changed()
			onChange(0)
		case <-poll.C:
			if last, err := f.ledger.LastSeq(ctx); err == nil && last > seen {
				seen = last
				onChange(last)
			}
		}
	}
}

// feedCursor is a place in the read model's feed: the last seq applied,
// and the seq the pull under way began at (equal between pulls).
type feedCursor struct {
	seq, base int64
}

// String is the text form the read model keeps: "5012" between pulls,
// "5012.4000" part-way through a pull that began at 4000.
func (c feedCursor) String() string {
	if c.base == c.seq {
		return strconv.FormatInt(c.seq, 10)
	}
	return strconv.FormatInt(c.seq, 10) + "." + strconv.FormatInt(c.base, 10)
}

// parseFeedCursor reads a cursor of this feed; "" is the start. Any other
// text (a cache written by something else) is cursor_expired, so that
// the engine starts over.
func parseFeedCursor(s string) (feedCursor, error) {
	if s == "" {
		return feedCursor{}, nil
	}
	expired := instruct.Errorf(instruct.CodeCursorExpired, "the read model's cursor is not one of this feed")
	seqText, baseText, partway := strings.Cut(s, ".")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if err != nil || seq < 0 {
		return feedCursor{}, expired
	}
	base := seq
	if partway {
		if base, err = strconv.ParseInt(baseText, 10, 64); err != nil || base < 0 || base >= seq {
			return feedCursor{}, expired
		}
	}
	return feedCursor{seq: seq, base: base}, nil
}

// appliedThrough returns the seq up to which a read model whose cursor is
// cursor holds every change: the seq its last complete pull reached.
func appliedThrough(cursor string) int64 {
	c, err := parseFeedCursor(cursor)
	if err != nil {
		return 0
	}
	return c.base
}
