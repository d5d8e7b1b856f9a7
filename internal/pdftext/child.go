package pdftext

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// childEnv marks the environment of a child process started by an
// Extractor; its value is the child's limits as JSON.
const childEnv = "INSTRUCT_PDFTEXT_CHILD"

// Extractor runs Extract in a child process of its own, which the parent
// kills at Limits.Timeout and whose address space the kernel caps at
// Limits.MemoryBytes (on Linux): whatever a file does to the parser, the
// server gets a Result. The program must call ServeChild first thing in
// main (and test binaries in TestMain), since the child is the program
// itself re-executed.
type Extractor struct {
	// Path is the program to re-execute; "" means os.Executable().
	Path   string
	Limits Limits
	// slots bounds the children running at once.
	slots chan struct{}
}

// NewExtractor returns an extractor within lim running at most parallel
// children at once (at least one).
func NewExtractor(lim Limits, parallel int) *Extractor {
	return &Extractor{Limits: lim, slots: make(chan struct{}, max(1, parallel))}
}

// Extract returns the text of the PDF in data, read by a child process: a
// child that passes the deadline, runs out of memory, crashes or answers
// nonsense gives a failed Result, and so does ctx ending.
func (x *Extractor) Extract(ctx context.Context, data []byte) Result {
	select {
	case x.slots <- struct{}{}:
		defer func() { <-x.slots }()
	case <-ctx.Done():
		return failed(0)
	}
	res, err := x.run(ctx, data)
	if err != nil {
		return failed(0)
	}
	return res
}

// run starts the child with data on its standard input and reads its
// Result, within the deadline.
func (x *Extractor) run(ctx context.Context, data []byte) (Result, error) {
	path := x.Path
	if path == "" {
		var err error
		if path, err = os.Executable(); err != nil {
			return Result{}, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, x.Limits.Timeout)
	defer cancel()
	lim, err := json.Marshal(x.Limits)
	if err != nil {
		return Result{}, err
	}
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = []string{childEnv + "=" + string(lim)}
	cmd.Stdin = bytes.NewReader(data)
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: int64(x.Limits.MaxTextBytes)*2 + 4096}
	if err := cmd.Run(); err != nil {
		return Result{}, fmt.Errorf("extraction child: %w", err)
	}
	return decodeResult(out.Bytes(), x.Limits)
}

// decodeResult reads a child's answer, refusing one out of bounds.
func decodeResult(b []byte, lim Limits) (Result, error) {
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		return Result{}, fmt.Errorf("extraction child's answer: %w", err)
	}
	if len(res.Text) > lim.MaxTextBytes || res.Pages < 0 || !validState(res.State) {
		return Result{}, errors.New("extraction child's answer is out of bounds")
	}
	return res, nil
}

// limitedWriter writes at most n bytes to w, then fails.
type limitedWriter struct {
	w io.Writer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, errors.New("extraction child wrote too much")
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

// ServeChild returns at once in a normal run. In a child an Extractor
// started, it caps the process's memory, reads the PDF on standard
// input, writes the Result as JSON on standard output and exits.
func ServeChild() {
	spec, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	var lim Limits
	if err := json.Unmarshal([]byte(spec), &lim); err != nil {
		os.Exit(2)
	}
	limitMemory(lim.MemoryBytes, lim.Timeout)
	debug.SetMemoryLimit(int64(lim.MemoryBytes / 2))
	data, err := io.ReadAll(io.LimitReader(os.Stdin, maxInput))
	if err != nil {
		os.Exit(2)
	}
	if err := json.NewEncoder(os.Stdout).Encode(Extract(data, lim)); err != nil {
		os.Exit(2)
	}
	os.Exit(0)
}

// maxInput bounds what a child reads: the largest document and a margin.
const maxInput = 32 << 20

// validState reports whether s is one of the states of a document's text.
func validState(s instruct.DocumentText) bool {
	switch s {
	case instruct.DocumentTextAvailable, instruct.DocumentTextNone, instruct.DocumentTextFailed:
		return true
	}
	return false
}
