// Package stats computes DataPass's review statistics from the histories
// of requests: volumes, the backlog, the time to a first and to a final
// decision (p50 and p80, in days) and the same per ISO week. It is pure:
// the server (from its ledger) and the client (from its cache) hand it
// the same marks and get the same figures, to the last digit.
//
// The definitions, after DataPass (etalab/data_pass, app/queries/stats):
//
//   - Range: from and to are dates, inclusive, in UTC: [from 00:00, to+1 00:00).
//   - submitted, validated, refused, changes_requested: the submit,
//     approve, refuse and request_changes events in the range. A
//     resubmission is a submission (DataPass's "total requests submitted").
//   - backlog: the requests waiting for a reviewer at the end of the
//     range: their last submit is later than their last approve, refuse,
//     request_changes or cancel_reopening (DataPass's backlog, which also
//     counts a request whose reopening was given up; here it leaves).
//   - time to first decision: for the requests first submitted in the
//     range, from their first submit to their first approve, refuse or
//     request_changes at or after it; time to final decision: to their
//     first approve or refuse at or after it. A request resubmitted after
//     a request for changes keeps its first submit as the start. Requests
//     not decided yet are left out (they are in the backlog), and so are
//     durations under a minute (DataPass's MINIMUM_DURATION_SECONDS: test
//     and automated decisions). p50 and p80 are continuous percentiles
//     (PostgreSQL's percentile_cont: linear between ranks) in days,
//     rounded to the hundredth; null when no request qualifies.
//   - weeks: every ISO week (Monday to Sunday, UTC) that meets the range,
//     clipped to it: submitted (submit events), decided (approve, refuse
//     and request_changes events) and the backlog at the week's end (or
//     the range's, if earlier).
//
// Events at the same instant keep their order in the history (the
// server's seq): a decision recorded after a submit at the same
// microsecond ends that wait.
package stats
