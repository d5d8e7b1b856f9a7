//go:build !linux

package pdftext

import "time"

// limitMemory does nothing where the limits are not set portably: the
// parent's deadline and the runtime's soft memory limit still hold.
func limitMemory(uint64, time.Duration) {}
