package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
)

// recorder is an HTTP server that answers 401 to everything and records
// the Authorization header of every request it gets: a server (or a
// proxy) that should never see the reviewer's token.
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.auths = append(r.auths, req.Header.Get("Authorization"))
		r.mu.Unlock()
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	t.Cleanup(r.Close)
	return r
}

// seen returns the Authorization headers received so far, "" for a
// request without one.
func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auths...)
}

// TestStoredTokenGoesOnlyToItsServer: the token "login" stored, and the
// token of INSTRUCT_TOKEN, are sent only to the server they were given
// with. Pointed at another server (--server or INSTRUCT_SERVER), a
// command refuses in one line naming both servers and how to sign in,
// and that server receives no request at all; a token given with
// --token goes where the user says.
func TestStoredTokenGoesOnlyToItsServer(t *testing.T) {
	srv := runDemoServer(t)
	other := newRecorder(t)
	token := srv.token(t, demo.InstructorID)
	box := newSandbox(t)
	if res := box.runInput(token+"\n", "login", "--server", srv.URL); res.code != 0 {
		t.Fatalf("login = %s, want exit 0", res)
	}
	box.must("sync")
	config := box.path("config", "instruct", "config.json")

	refusals := []struct {
		name string
		box  *sandbox
		args []string
		// target is the server the command is pointed at; names are
		// what else the refusal must name.
		target string
		names  []string
	}{
		{"--server another", box, []string{"sync", "--server", other.URL}, other.URL, []string{srv.URL, config}},
		{"INSTRUCT_SERVER another", box.with("INSTRUCT_SERVER=" + other.URL), []string{"sync"}, other.URL, []string{srv.URL}},
		{"--server another, as a directory", box, []string{"sync", "--server", other.URL + "/"}, other.URL + "/", []string{srv.URL}},
		{"INSTRUCT_TOKEN paired with its server", box.with("INSTRUCT_SERVER="+srv.URL, "INSTRUCT_TOKEN="+token),
			[]string{"sync", "--server", other.URL}, other.URL, []string{srv.URL, "INSTRUCT_TOKEN"}},
		{"INSTRUCT_TOKEN without INSTRUCT_SERVER", newSandbox(t).with("INSTRUCT_TOKEN=" + token),
			[]string{"sync", "--server", other.URL}, other.URL, []string{"INSTRUCT_SERVER"}},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			res := c.box.run(c.args...)
			login := "instruct login --server " + c.target
			if res.code != 2 || strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 || !strings.Contains(res.stderr, login) {
				t.Errorf("instruct %q = %s, want exit 2 and one line saying %q", c.args, res, login)
			}
			for _, name := range append(c.names, "no token for "+c.target) {
				if !strings.Contains(res.stderr, name) {
					t.Errorf("refusal %q does not name %s", res.stderr, name)
				}
			}
			if got := other.seen(); len(got) != 0 {
				t.Fatalf("the other server received %d requests (Authorization %q), want none", len(got), got)
			}
		})
	}

	// The pair in the environment is used where it belongs, and an
	// explicit --token goes where the user sends it.
	paired := newSandbox(t).with("INSTRUCT_SERVER="+srv.URL, "INSTRUCT_TOKEN="+token)
	if res := paired.must("sync"); strings.Contains(res.stderr, "warning") {
		t.Errorf("sync with a loopback http server warned: %s", res)
	}
	box.run("sync", "--server", other.URL, "--token", "ins_explicit")
	if got := other.seen(); len(got) == 0 || got[0] != "Bearer ins_explicit" {
		t.Errorf("with --token, the other server received Authorization %q, want the explicit token only", got)
	}
	for _, auth := range other.seen() {
		if strings.Contains(auth, token) {
			t.Errorf("the other server received the stored token (%q)", auth)
		}
	}
}

// TestLoginWarnsOfPlainHTTP: signing in to an http:// server that is not
// this machine warns that the token crosses the network unencrypted. The
// server's requests go through a recording proxy, so that the test needs
// no network.
func TestLoginWarnsOfPlainHTTP(t *testing.T) {
	proxy := newRecorder(t)
	box := newSandbox(t).with("HTTP_PROXY="+proxy.URL, "http_proxy="+proxy.URL)
	res := box.runInput("ins_jeton\n", "login", "--server", "http://instruct.example.gouv.fr")
	if !strings.Contains(res.stderr, "warning: http://instruct.example.gouv.fr is plain http") {
		t.Errorf("login to a remote http:// server = %s, want a warning about plain http", res)
	}
	if len(proxy.seen()) == 0 {
		t.Errorf("login sent nothing through the proxy: the test proves nothing")
	}
}

func TestWarnPlainHTTP(t *testing.T) {
	for server, warns := range map[string]bool{
		"http://instruct.example.gouv.fr":     true,
		"http://10.1.2.3:8080":                true,
		"HTTP://Instruct.Example.gouv.fr/":    true,
		"https://instruct.example.gouv.fr":    false,
		"http://127.0.0.1:8080":               false,
		"http://localhost:8080":               false,
		"http://[::1]:8080":                   false,
		"http://instruct.localhost":           false,
		"http://localhost.example.gouv.fr:80": true,
	} {
		var b strings.Builder
		warnPlainHTTP(&b, server)
		if got := b.Len() > 0; got != warns {
			t.Errorf("warnPlainHTTP(%q) wrote %q, want a warning: %v", server, b.String(), warns)
		}
	}
}

func TestSameServer(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"https://instruct.example.gouv.fr", "https://instruct.example.gouv.fr/", true},
		{"https://instruct.example.gouv.fr", "HTTPS://Instruct.Example.GOUV.fr:443", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/", true},
		{"http://[::1]:80", "http://[::1]", true},
		{"https://instruct.example.gouv.fr", "http://instruct.example.gouv.fr", false},
		{"https://instruct.example.gouv.fr", "https://instruct.example.gouv.fr.evil.fr", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081", false},
		{"https://x.gouv.fr/instruct", "https://x.gouv.fr/autre", false},
		{"https://x.gouv.fr", "", false},
	} {
		if got := sameServer(c.a, c.b); got != c.same {
			t.Errorf("sameServer(%q, %q) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}

// TestLoginHidesTheTypedToken types the token into "instruct login" in
// a real terminal: it never shows on screen, and the login succeeds.
func TestLoginHidesTheTypedToken(t *testing.T) {
	srv := runDemoServer(t)
	token := srv.token(t, demo.InstructorID)
	box := newSandbox(t)
	scr := startScreen(t, box, 200, 10, "login", "--server", srv.URL)
	scr.waitText("Token:")
	scr.typeText(token)
	scr.keys("Enter")
	screen := scr.waitText("signed in to " + srv.URL)
	// Whatever the terminal echoed stays on screen: the token is not
	// there, nor any part of it a glance could read.
	if strings.Contains(squeeze(screen), token[:12]) {
		t.Errorf("the typed token shows on screen:\n%s", screen)
	}
}
