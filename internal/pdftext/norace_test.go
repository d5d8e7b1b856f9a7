//go:build !race

package pdftext

// raceEnabled: see race_test.go.
const raceEnabled = false
