package pdftext

import (
	"syscall"
	"time"
)

// limitMemory caps the data segment (private writable mappings, which
// is what the Go heap commits; the address space would also count the
// runtime's reservations, and fail it at random) of this process at bytes, and its
// processor time at the timeout and a second, so that the kernel ends a
// child the parent could not kill.
func limitMemory(bytes uint64, timeout time.Duration) {
	if bytes > 0 {
		syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: bytes, Max: bytes})
	}
	if secs := uint64(timeout/time.Second) + 1; timeout > 0 {
		syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: secs, Max: secs})
	}
}
