package replica

import (
	"context"
	"fmt"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// pull brings the cache up to date with the change feed, from the cached
// cursor. When the server can no longer serve the cursor (the feed was
// purged, or the user's roles changed, even part-way through the pull),
// it drops the cached requests, keeping the outbox, and pulls everything
// again, once.
func (e *Engine) pull(ctx context.Context) error {
	cursor, err := e.cache.Cursor(ctx)
	if err != nil {
		return err
	}
	if err := e.refreshMeta(ctx, cursor == ""); err != nil {
		return err
	}
	err = e.pullFrom(ctx, cursor)
	if instruct.ErrorCode(err) != instruct.CodeCursorExpired {
		return err
	}
	return e.resync(ctx)
}

// resync drops the cached requests and pulls the whole feed.
func (e *Engine) resync(ctx context.Context) error {
	e.log.Info("feed cursor expired, pulling everything again")
	if err := e.cache.ResetFeed(ctx); err != nil {
		return err
	}
	if err := e.refreshMeta(ctx, true); err != nil {
		return err
	}
	return e.pullFrom(ctx, "")
}

// refreshMeta caches the signed-in user and the catalogue when forced or
// when they are older than metaMaxAge.
func (e *Engine) refreshMeta(ctx context.Context, force bool) error {
	now := e.opts.Now()
	if !force && !e.metaAt.IsZero() && now.Sub(e.metaAt) < metaMaxAge {
		return nil
	}
	me, err := e.feed.Me(ctx)
	if err != nil {
		return fmt.Errorf("read the signed-in user: %w", err)
	}
	if err := e.cache.PutMe(ctx, me); err != nil {
		return err
	}
	defs, err := e.feed.Definitions(ctx)
	if err != nil {
		return fmt.Errorf("read the catalogue: %w", err)
	}
	if err := e.cache.PutDefinitions(ctx, defs); err != nil {
		return err
	}
	e.metaAt = now
	return nil
}

// readAhead is how many feed pages may wait, read, for the cache.
const readAhead = 2

// fetched is a feed page read ahead, or the error that ended the reading.
type fetched struct {
	page api.ChangesPage
	err  error
}

// pullFrom applies the feed after cursor until the server says no more
// follows. The next page is read while the last one is being applied.
func (e *Engine) pullFrom(ctx context.Context, cursor string) error {
	ctx, cancel := context.WithCancel(ctx)
	pages := make(chan fetched, readAhead)
	go e.fetch(ctx, cursor, pages)
	defer func() {
		cancel()
		for range pages {
		}
	}()
	for f := range pages {
		if f.err != nil {
			return fmt.Errorf("pull the feed: %w", f.err)
		}
		if err := e.cache.ApplyPage(ctx, f.page.Changes, f.page.Cursor); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// fetch reads the feed's pages after cursor into out, closing it after
// the last page, an error, or when ctx ends.
func (e *Engine) fetch(ctx context.Context, cursor string, out chan<- fetched) {
	defer close(out)
	for {
		page, err := e.page(ctx, cursor)
		select {
		case out <- fetched{page: page, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil || !page.More {
			return
		}
		cursor = page.Cursor
	}
}

// page reads the feed's page after cursor. A page larger than the client
// reads (from a server that packs pages by count alone) is asked again
// with half as many items, down to one, so that the pull still moves on.
func (e *Engine) page(ctx context.Context, cursor string) (api.ChangesPage, error) {
	limit := e.opts.PageLimit
	for {
		page, err := e.feed.Changes(ctx, cursor, limit)
		if instruct.ErrorCode(err) != instruct.CodeTooLarge || limit <= 1 {
			return page, err
		}
		limit /= 2
		e.log.Warn("feed page too large, asking for fewer items", "limit", limit)
	}
}
