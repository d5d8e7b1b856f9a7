//go:build race

package stats_test

// raceEnabled is set when the race detector is on: it slows the
// 100,000-request comparison tenfold, so .ci/run runs that one without it.
const raceEnabled = true
