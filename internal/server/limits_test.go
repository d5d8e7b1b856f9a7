package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// shortLimits are limits short enough for tests: what the server does in
// half a minute in production, it does here in a fraction of a second.
var shortLimits = Limits{ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 300 * time.Millisecond,
	WriteTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}

// connWait bounds how long a test waits for the server to close a
// connection; it is far longer than the short limits and far shorter
// than what a slow client would hold the connection for without them.
const connWait = 10 * time.Second

// dialServer opens a raw TCP connection to the test server.
func dialServer(t *testing.T, e *testEnv) net.Conn {
	t.Helper()
	u, err := url.Parse(e.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatalf("dial %s: %v", u.Host, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitClosed reads c until the server closes it and returns what it
// read; it fails the test when the connection is still open after
// connWait.
func waitClosed(t *testing.T, c net.Conn, what string) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(connWait))
	data, err := io.ReadAll(c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: the connection is still open after %v (read so far: %q)", what, connWait, data)
	}
	return string(data)
}

// TestTrickledBodyIsCut: a client that sends its body a byte at a time
// (it would take a minute) has its connection closed after the read
// timeout, authenticated or not, and the server has stored nothing.
func TestTrickledBodyIsCut(t *testing.T) {
	e := newEnv(t, withLimits(shortLimits))
	applicant := e.addUser("Lente Appli")
	body := `{"definition":"api_particulier","title":"` + strings.Repeat("x", 1000) + `"}`
	for _, auth := range []string{"Bearer " + applicant.token, ""} {
		t.Run(fmt.Sprintf("authenticated=%v", auth != ""), func(t *testing.T) {
			c := dialServer(t, e)
			head := "POST /api/v1/requests HTTP/1.1\r\nHost: instruct\r\nContent-Type: application/json\r\n" +
				api.HeaderIdempotencyKey + ": " + newKey() + "\r\n" +
				fmt.Sprintf("Content-Length: %d\r\n", len(body))
			if auth != "" {
				head += "Authorization: " + auth + "\r\n"
			}
			if _, err := io.WriteString(c, head+"\r\n"); err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			defer close(stop)
			go trickle(c, body, 60*time.Millisecond, stop)
			waitClosed(t, c, "a body trickled a byte every 60 ms")
		})
	}
	page := decodeAs[api.RequestList](t, applicant.do("GET", "/requests", nil), http.StatusOK)
	if len(page.Requests) != 0 {
		t.Errorf("after the trickled bodies the applicant has %d requests, want none", len(page.Requests))
	}
}

// trickle writes body to c one byte every pause, until stop or a write
// fails.
func trickle(c net.Conn, body string, pause time.Duration, stop <-chan struct{}) {
	for i := range len(body) {
		select {
		case <-stop:
			return
		case <-time.After(pause):
		}
		if _, err := c.Write([]byte{body[i]}); err != nil {
			return
		}
	}
}

// TestSlowHeadersAreCut: a client that connects and sends its headers a
// byte at a time, or nothing at all, is closed after the header timeout.
func TestSlowHeadersAreCut(t *testing.T) {
	e := newEnv(t, withLimits(shortLimits))
	silent := dialServer(t, e)
	trickling := dialServer(t, e)
	stop := make(chan struct{})
	defer close(stop)
	go trickle(trickling, "GET /healthz HTTP/1.1\r\nHost: instruct\r\nX-Padding: "+strings.Repeat("a", 1000)+"\r\n\r\n", 60*time.Millisecond, stop)
	waitClosed(t, silent, "a connection that sends nothing")
	waitClosed(t, trickling, "headers trickled a byte every 60 ms")
}

// TestIdleConnectionIsClosed: a keep-alive connection that sends no next
// request is closed after the idle timeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	e := newEnv(t, withLimits(shortLimits))
	c := dialServer(t, e)
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: instruct\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(connWait))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Close {
		t.Fatalf("GET /healthz = %d (close %v), want 200 on a kept-alive connection", res.StatusCode, res.Close)
	}
	waitClosed(t, c, "an idle keep-alive connection")
}

// TestOversizedHeadersAreRefused: headers over MaxHeaderBytes are
// answered 431 before any handler runs.
func TestOversizedHeadersAreRefused(t *testing.T) {
	e := newEnv(t, withLimits(Limits{MaxHeaderBytes: 4 << 10}))
	req := e.newRequest("GET", "/me", nil, header("X-Padding", strings.Repeat("a", 16<<10)))
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("GET /me with 16 KB of headers = %d, want 431", res.StatusCode)
	}
}

// TestConnectionsOverTheCapWait: with the cap reached, a new connection
// is not served until one of the open ones closes; then it is.
func TestConnectionsOverTheCapWait(t *testing.T) {
	e := newEnv(t, withLimits(Limits{MaxConnections: 2, IdleTimeout: time.Minute}))
	held := []net.Conn{dialServer(t, e), dialServer(t, e)}
	for _, c := range held {
		if status := healthz(t, c, connWait); status != http.StatusOK {
			t.Fatalf("GET /healthz on a held connection = %d", status)
		}
	}
	extra := dialServer(t, e)
	if _, err := io.WriteString(extra, "GET /healthz HTTP/1.1\r\nHost: instruct\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(extra)
	extra.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := br.Peek(1); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a third connection over a cap of two was answered (%v), want it to wait", err)
	}
	held[0].Close()
	extra.SetReadDeadline(time.Now().Add(connWait))
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the waiting connection was not served once a slot freed: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz on the waiting connection = %d, want 200", res.StatusCode)
	}
}

// healthz sends GET /healthz on c and returns the status.
func healthz(t *testing.T, c net.Conn, wait time.Duration) int {
	t.Helper()
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: instruct\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(wait))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// TestStreamOutlivesTheTimeouts: an event stream stays open many times
// longer than the read, write and idle timeouts, and still announces a
// change made then.
func TestStreamOutlivesTheTimeouts(t *testing.T) {
	e := newEnv(t, withLimits(shortLimits), withStreamTiming(100*time.Millisecond, time.Minute))
	applicant := e.addUser("Camille Martin")
	instructor := e.addUser("Marie Instructrice", "api_particulier:instructor")
	stream := openStream(t, instructor)
	// Ten times the timeouts, counted in heartbeats received.
	if !stream.waitUntil(func() bool { return stream.heartbeats >= 30 || stream.ended }) || stream.ended {
		t.Fatalf("the stream ended or went quiet before 30 heartbeats (3 s, ten times the timeouts)")
	}
	r := applicant.submitted("api_particulier", "Quotient familial pour la cantine")
	if !stream.waitUntil(func() bool { return len(stream.seqs) > 0 || stream.ended }) || stream.ended {
		t.Fatalf("after 3 s the stream did not announce the submission of %s", r.ID)
	}
	if r.Status != instruct.StatusSubmitted {
		t.Errorf("request %s is %s, want submitted", r.ID, r.Status)
	}
}
