package sshdtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Options describe a terminal. The zero value is a 120×40 xterm-256color
// on a dark background, with a PTY.
type Options struct {
	Width, Height int
	// Term is the TERM sent with the PTY request.
	Term string
	// Env is sent before the PTY request, as OpenSSH's SendEnv does.
	Env map[string]string
	// Background answers background colour queries; "" means black,
	// "none" answers nothing.
	Background string
	// NoPTY asks for no PTY, as ssh -T does.
	NoPTY bool
	// HostKey is the server's expected host key; nil accepts any.
	HostKey gossh.PublicKey
	// Record keeps every byte received, for Raw.
	Record bool
	// ClaimWidth and ClaimHeight, when set, are the size the PTY
	// request claims instead of the screen's: a client that lies about
	// its window.
	ClaimWidth, ClaimHeight int
}

func (o *Options) defaults() {
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 120, 40
	}
	if o.Term == "" {
		o.Term = "xterm-256color"
	}
	switch o.Background {
	case "":
		o.Background = "rgb:0000/0000/0000"
	case "none":
		o.Background = ""
	}
}

// Terminal is one SSH session seen from the user's side: what the server
// draws lands on a Screen, keys go to the server.
type Terminal struct {
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser
	screen *Screen
	record bool

	mu       sync.Mutex
	received int64
	raw      bytes.Buffer
	stderr   bytes.Buffer
	wake     chan struct{}
	exited   chan struct{}
	exitErr  error
}

// Dial connects to addr, authenticating with signers in order (at least
// one), and opens a session running the server's screen.
func Dial(addr string, signers []gossh.Signer, opts Options) (*Terminal, error) {
	opts.defaults()
	hostKey := gossh.InsecureIgnoreHostKey()
	if opts.HostKey != nil {
		hostKey = gossh.FixedHostKey(opts.HostKey)
	}
	client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "reviewer",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(signers[0])}, AuthCallback: eachKey(signers[1:]),
		HostKeyCallback: hostKey, Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	t := &Terminal{client: client, screen: NewScreen(opts.Width, opts.Height, opts.Background),
		record: opts.Record, wake: make(chan struct{}), exited: make(chan struct{})}
	if err := t.open(opts); err != nil {
		client.Close()
		return nil, err
	}
	return t, nil
}

// eachKey tries the signers one after the other, each as an attempt of its
// own, as OpenSSH does with its keys: a key the client can't sign with
// doesn't end the authentication.
func eachKey(signers []gossh.Signer) func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
	next := 0
	return func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
		if next >= len(signers) {
			return nil, nil
		}
		next++
		return gossh.PublicKeys(signers[next-1]), nil
	}
}

// open starts the session: environment, PTY, shell.
func (t *Terminal) open(opts Options) error {
	sess, err := t.client.NewSession()
	if err != nil {
		return err
	}
	t.sess = sess
	for k, v := range opts.Env {
		if err := sess.Setenv(k, v); err != nil {
			return fmt.Errorf("setenv %s: %w", k, err)
		}
	}
	if !opts.NoPTY {
		modes := gossh.TerminalModes{gossh.ECHO: 0}
		w, h := opts.Width, opts.Height
		if opts.ClaimWidth > 0 && opts.ClaimHeight > 0 {
			w, h = opts.ClaimWidth, opts.ClaimHeight
		}
		if err := sess.RequestPty(opts.Term, h, w, modes); err != nil {
			return fmt.Errorf("request PTY: %w", err)
		}
	}
	if t.stdin, err = sess.StdinPipe(); err != nil {
		return err
	}
	sess.Stdout = writerFunc(t.fromServer)
	sess.Stderr = writerFunc(t.fromServerErr)
	if err := sess.Shell(); err != nil {
		return fmt.Errorf("start shell: %w", err)
	}
	go func() {
		err := sess.Wait()
		t.mu.Lock()
		t.exitErr = err
		t.mu.Unlock()
		close(t.exited)
		t.changed()
	}()
	return nil
}

// writerFunc adapts a function to io.Writer.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// fromServer draws what the server sent and answers the screen's
// queries.
func (t *Terminal) fromServer(p []byte) (int, error) {
	t.screen.Write(p)
	t.mu.Lock()
	t.received += int64(len(p))
	if t.record {
		t.raw.Write(p)
	}
	t.mu.Unlock()
	for _, r := range t.screen.Replies() {
		// A session that ended meanwhile no longer reads answers; a
		// terminal doesn't mind.
		_, _ = io.WriteString(t.stdin, r)
	}
	t.changed()
	return len(p), nil
}

func (t *Terminal) fromServerErr(p []byte) (int, error) {
	t.mu.Lock()
	t.stderr.Write(p)
	t.mu.Unlock()
	t.changed()
	return len(p), nil
}

// changed wakes whoever waits for the screen.
func (t *Terminal) changed() {
	t.mu.Lock()
	close(t.wake)
	t.wake = make(chan struct{})
	t.mu.Unlock()
}

// Send sends raw bytes, as typed.
func (t *Terminal) Send(s string) error {
	_, err := io.WriteString(t.stdin, s)
	return err
}

// Press sends keys by name: "enter", "esc", "tab", "shift+tab", "backspace", "up",
// "down", "left", "right", "pgdown", "pgup", "ctrl+<letter>", or any
// other text as typed.
func (t *Terminal) Press(keys ...string) error {
	for _, k := range keys {
		if err := t.Send(keyBytes(k)); err != nil {
			return err
		}
	}
	return nil
}

func keyBytes(k string) string {
	named := map[string]string{"enter": "\r", "esc": "\x1b", "tab": "\t", "shift+tab": "\x1b[Z", "backspace": "\x7f",
		"up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
		"pgup": "\x1b[5~", "pgdown": "\x1b[6~"}
	if b, ok := named[k]; ok {
		return b
	}
	if letter, ok := strings.CutPrefix(k, "ctrl+"); ok && len(letter) == 1 {
		return string(rune(letter[0] & 0x1f))
	}
	return k
}

// Resize tells the server the window changed size.
func (t *Terminal) Resize(w, h int) error {
	t.screen.Resize(w, h)
	return t.sess.WindowChange(h, w)
}

// ResizeClaiming makes the screen w×h but tells the server the window
// is claimW×claimH: a client that lies about its window.
func (t *Terminal) ResizeClaiming(w, h, claimW, claimH int) error {
	t.screen.Resize(w, h)
	return t.sess.WindowChange(claimH, claimW)
}

// Screen returns the text on the screen.
func (t *Terminal) Screen() string { return t.screen.String() }

// Lines returns the rows of the screen.
func (t *Terminal) Lines() []string { return t.screen.Lines() }

// Received returns how many bytes the server sent to the screen.
func (t *Terminal) Received() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.received
}

// Raw returns every byte received, when Options.Record was set.
func (t *Terminal) Raw() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.raw.Bytes())
}

// Stderr returns what the server wrote to the session's stderr.
func (t *Terminal) Stderr() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stderr.String()
}

// ErrTimeout is returned by waits that ran out of time.
var ErrTimeout = errors.New("sshdtest: timed out")

// WaitFor waits until cond holds of the screen's text, and returns that
// text; after timeout it returns the last text and ErrTimeout.
func (t *Terminal) WaitFor(timeout time.Duration, cond func(screen string) bool) (string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		wake := t.wake
		t.mu.Unlock()
		text := t.Screen()
		if cond(text) {
			return text, nil
		}
		select {
		case <-wake:
		case <-deadline.C:
			return t.Screen(), ErrTimeout
		}
	}
}

// WaitText waits until every one of texts is on the screen.
func (t *Terminal) WaitText(timeout time.Duration, texts ...string) (string, error) {
	return t.WaitFor(timeout, func(s string) bool {
		for _, text := range texts {
			if !strings.Contains(s, text) {
				return false
			}
		}
		return true
	})
}

// WaitReceived waits until the server has sent more than n bytes in all.
func (t *Terminal) WaitReceived(n int64, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		wake, got := t.wake, t.received
		t.mu.Unlock()
		if got > n {
			return nil
		}
		select {
		case <-wake:
		case <-deadline.C:
			return ErrTimeout
		}
	}
}

// Quiet waits until the server has sent nothing for d, and returns the
// bytes received so far; after timeout it returns ErrTimeout.
func (t *Terminal) Quiet(d, timeout time.Duration) (int64, error) {
	end := time.Now().Add(timeout)
	for time.Now().Before(end) {
		t.mu.Lock()
		wake, n := t.wake, t.received
		t.mu.Unlock()
		select {
		case <-wake:
		case <-time.After(d):
			return n, nil
		}
	}
	return t.Received(), ErrTimeout
}

// Wait waits for the session to end and returns its exit error (nil for
// status 0, *ssh.ExitError otherwise).
func (t *Terminal) Wait(timeout time.Duration) error {
	select {
	case <-t.exited:
		t.mu.Lock()
		defer t.mu.Unlock()
		return t.exitErr
	case <-time.After(timeout):
		return ErrTimeout
	}
}

// Done is closed when the session has ended.
func (t *Terminal) Done() <-chan struct{} { return t.exited }

// Close ends the session and the connection.
func (t *Terminal) Close() error {
	t.sess.Close()
	return t.client.Close()
}
