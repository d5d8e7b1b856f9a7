//go:build race

package pdftext

// raceEnabled: the race detector's shadow memory counts in a child's
// data limit, so children need a higher ceiling under -race.
const raceEnabled = true
