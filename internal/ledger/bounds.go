package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// WithQuotas sets what one applicant may hold and create (by default
// instruct.DefaultQuotas).
func WithQuotas(q instruct.Quotas) Option { return func(o *options) { o.quotas = q } }

// usage is what one user's requests hold, and how many they created
// lately.
type usage struct {
	drafts int
	bytes  int64
	// recent is how many requests they created since the start of the
	// window; oldest, when recent > 0, when the first of them was.
	recent int
	oldest int64
}

// applicantKinds are the events an applicant writes: what counts towards
// their quota of bytes.
const applicantKinds = `('create', 'update', 'submit')`

// usageSQL reads the usage of user ? (four times) since ? (twice).
const usageSQL = `SELECT
	(SELECT COUNT(*) FROM requests WHERE created_by = ? AND status = 'draft'),
	(SELECT COALESCE(SUM(octet_length(body)), 0) FROM requests WHERE created_by = ?),
	(SELECT COALESCE(SUM(octet_length(e.body)), 0) FROM events e JOIN requests r ON r.number = e.request_number
		WHERE r.created_by = ? AND e.kind IN ` + applicantKinds + `),
	(SELECT COUNT(*) FROM events e JOIN requests r ON r.number = e.request_number
		WHERE r.created_by = ? AND e.kind = 'create' AND e.at > ?),
	(SELECT COALESCE(MIN(e.at), 0) FROM events e JOIN requests r ON r.number = e.request_number
		WHERE r.created_by = ? AND e.kind = 'create' AND e.at > ?)`

// usageOf reads what user holds, and what they created in the hour
// before now.
func (l *Ledger) usageOf(ctx context.Context, tx querier, user string, now time.Time) (usage, error) {
	since := now.Add(-time.Hour).UnixNano()
	var u usage
	var requestBytes, eventBytes int64
	err := tx.QueryRowContext(ctx, usageSQL, user, user, user, user, since, user, since).
		Scan(&u.drafts, &requestBytes, &eventBytes, &u.recent, &u.oldest)
	if err != nil {
		return usage{}, fmt.Errorf("read what the applicant holds: %w", err)
	}
	u.bytes = requestBytes + eventBytes
	return u, nil
}

// checkCreation refuses a new request of weight more past its creator's
// quotas: open drafts (invalid), creations in the last hour
// (rate_limited, with how long to wait) and bytes held (too_large).
func (l *Ledger) checkCreation(ctx context.Context, tx querier, user string, now time.Time, more int64) error {
	u, err := l.usageOf(ctx, tx, user, now)
	if err != nil {
		return err
	}
	q := l.quotas
	switch {
	case u.drafts >= q.OpenDrafts:
		return instruct.Errorf(instruct.CodeInvalid,
			"you have %d drafts open, the most allowed: submit or archive one before you create another", u.drafts)
	case u.recent >= q.CreationsPerHour:
		wait := time.Unix(0, u.oldest).Add(time.Hour).Sub(now)
		err := instruct.Errorf(instruct.CodeRateLimited,
			"you created %d requests in the last hour, the most allowed; retry in %s", u.recent, roundUp(wait))
		err.RetryAfter = roundUp(wait)
		return err
	}
	return l.checkBytes(u, more)
}

// checkBytes refuses a change that would bring what its author holds,
// u, past their quota of bytes by adding more.
func (l *Ledger) checkBytes(u usage, more int64) error {
	if u.bytes+more > l.quotas.Bytes {
		return instruct.Errorf(instruct.CodeTooLarge,
			"your requests and their history weigh %d KiB, the most allowed is %d KiB: archive drafts you no longer need",
			(u.bytes+more)>>10, l.quotas.Bytes>>10)
	}
	return nil
}

// roundUp rounds d up to a whole second, at least one.
func roundUp(d time.Duration) time.Duration {
	return max(time.Second, (d + time.Second - 1).Truncate(time.Second))
}

// checkHistory refuses an event past what one request may hold: the most
// events, and the most edits and messages an applicant may make
// (invalid).
func checkHistory(k lookedUp, e instruct.Event) error {
	id := k.number
	if k.events.Int64 >= instruct.MaxEventsPerRequest {
		return instruct.Errorf(instruct.CodeInvalid,
			"%s holds %d events, the most a request may hold: archive it and file a new request", id, k.events.Int64)
	}
	if e.Kind == instruct.KindUpdate && k.edits.Int64 >= instruct.MaxEditsPerRequest {
		return instruct.Errorf(instruct.CodeInvalid,
			"%s was edited %d times, the most a request may be: submit it as it is, or file a new request", id, k.edits.Int64)
	}
	if e.Kind == instruct.KindMessage && e.Actor.ID == k.createdBy.String && k.messages.Int64 >= instruct.MaxApplicantMessages {
		return instruct.Errorf(instruct.CodeInvalid,
			"%s holds %d messages, the most an applicant may add to: wait for the reviewers' answer", id, k.messages.Int64)
	}
	return nil
}

// bounded returns e with its diff bounded (instruct.BoundDiff) and its
// weight, or too_large when e still outweighs instruct.MaxEventBytes.
func bounded(e instruct.Event) (instruct.Event, int64, error) {
	if n := lightWeight(e); n > 0 {
		return e, n, nil
	}
	var err error
	if e.Diff, err = instruct.BoundDiff(e.Diff); err != nil {
		return instruct.Event{}, 0, err
	}
	b, err := instruct.CanonicalJSON(e)
	if err != nil {
		return instruct.Event{}, 0, fmt.Errorf("encode event: %w", err)
	}
	if len(b) > instruct.MaxEventBytes-eventSeqRoom {
		return instruct.Event{}, 0, instruct.Errorf(instruct.CodeTooLarge,
			"this %s weighs %d KiB, over the %d KiB an event may weigh", e.Kind, len(b)>>10, instruct.MaxEventBytes>>10)
	}
	return e, int64(len(b)), nil
}

// lightWeight returns a bound on the JSON of e without encoding it, when
// e has no diff and its texts are short enough that even at 6 bytes a
// byte it fits instruct.MaxEventBytes (most decisions and notes); 0
// otherwise.
func lightWeight(e instruct.Event) int64 {
	if len(e.Diff) > 0 {
		return 0
	}
	n := 6*(len(e.Comment)+len(e.Actor.Name)+len(e.Actor.ID)+len(e.Kind)+len(e.RequestID.String())) + 256
	if n > instruct.MaxEventBytes-eventSeqRoom {
		return 0
	}
	return int64(n)
}

// eventSeqRoom is room for the seq and request ID an event gets once
// stored, after it is weighed.
const eventSeqRoom = 64

// requestWeight returns the size of r's JSON, or too_large when it is
// over instruct.MaxRequestBytes.
func requestWeight(r instruct.Request) (int64, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("encode %s: %w", r.ID, err)
	}
	if len(b) > instruct.MaxRequestBytes-eventSeqRoom {
		return 0, instruct.Errorf(instruct.CodeTooLarge,
			"the request would weigh %d KiB, over the %d KiB a request may weigh", len(b)>>10, instruct.MaxRequestBytes>>10)
	}
	return int64(len(b)), nil
}
