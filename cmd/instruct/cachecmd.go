package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// words is the catalogue of the user's language (LC_ALL, LC_MESSAGES,
// LANG) for what the commands say of the sync and of the cache.
func words(e *env) i18n.Messages { return i18n.For(language("", e.getenv)) }

// recovered says, in one line, how a broken cache was replaced: why, the
// queued decisions saved and lost, where the old file went.
func recovered(e *env, r *instruct.CacheRecovery) string {
	return sanitize.Line(words(e).Recovered(*r))
}

// syncReason says why a sync failed: in the user's words for the
// failures they act on (server out of reach or unavailable, full disk,
// damaged cache), else the error on one line.
func syncReason(w i18n.Messages, err error) string {
	if f := instruct.FaultOf(err); f != "" {
		return w.Fault(f)
	}
	return oneLine(err)
}

// onCache opens the cache the settings name and runs fn on it. A cache
// found broken, replaced as it opened or found damaged by fn, is healed
// (its outbox kept, the old file moved aside) and filled again from the
// server, and the command fails saying so in one line: a command never
// exits 0 over a broken cache, nor answers from the empty cache that
// replaced it.
func onCache(ctx context.Context, e *env, s *settings, fn func(*store.Store) error) error {
	st, err := existingCacheFor(ctx, e, s)
	if err != nil {
		return err
	}
	defer st.Close()
	if st.Recovery() == nil {
		err := fn(st)
		if !errors.Is(err, instruct.ErrCacheDamaged) {
			return err
		}
		if _, err := st.Heal(ctx); err != nil {
			return err
		}
	}
	return resync(ctx, e, *s, st)
}

// resync fills a replaced cache again from the server, and returns the
// error the command ends with, saying what happened.
func resync(ctx context.Context, e *env, s settings, st *store.Store) error {
	w := words(e)
	line := recovered(e, st.Recovery())
	if s.server == "" || s.token == "" {
		return errors.New(line + w.Then + w.NotResynced)
	}
	warnPlainHTTP(e.stderr, s.server)
	if err := newEngine(st, s, slog.New(slog.DiscardHandler)).Sync(ctx); err != nil {
		sum, _ := st.Summary(ctx)
		return errors.New(line + w.Then + w.SyncFailed(syncReason(w, err), sum.Pending))
	}
	return errors.New(line + w.Then + w.RunAgain)
}
