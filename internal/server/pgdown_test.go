package server

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// tcpProxy forwards connections to a backend until cut: then it closes
// every connection it carries and closes new ones at once, as a
// database server that went down does, until restored.
type tcpProxy struct {
	ln      net.Listener
	backend string
	mu      sync.Mutex
	down    bool
	conns   map[net.Conn]bool
}

// startProxy listens on a loopback port and forwards to backend until
// the test ends.
func startProxy(t *testing.T, backend string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, backend: backend, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
	})
	return p
}

func (p *tcpProxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(client)
	}
}

// forward joins client to a new connection to the backend, unless the
// proxy is cut.
func (p *tcpProxy) forward(client net.Conn) {
	server, err := net.Dial("tcp", p.backend)
	if err != nil {
		client.Close()
		return
	}
	if !p.track(client, server) {
		client.Close()
		server.Close()
		return
	}
	go func() {
		io.Copy(server, client)
		server.Close()
	}()
	io.Copy(client, server)
	client.Close()
}

// track registers the connections of a forward, or reports false when
// the proxy is cut.
func (p *tcpProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return false
	}
	for _, c := range conns {
		p.conns[c] = true
	}
	return true
}

// cut closes every connection and refuses new ones until restore.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// restore forwards new connections again.
func (p *tcpProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// throughProxy returns dsn with its host replaced by the proxy's.
func throughProxy(t *testing.T, dsn string) (string, *tcpProxy) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	return u.String(), p
}

// TestPostgresDown: when the server loses its PostgreSQL, a decision is
// answered 503 unavailable with Retry-After (never 500), and /healthz
// says so; once PostgreSQL answers again, the same decision goes through
// without a restart, applied once, and /healthz is ok.
func TestPostgresDown(t *testing.T) {
	dsn, proxy := throughProxy(t, postgresDSN(t))
	e := newPostgresEnv(t, dsn)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	health(t, e, http.StatusOK)

	proxy.cut()
	k := newKey()
	approve := func() response {
		return c.instructor.do("POST", "/requests/"+r.ID.String()+"/decisions",
			api.DecisionInput{Kind: instruct.KindApprove, Comment: "Cadre juridique conforme."}, key(k), ifMatch(r.Version))
	}
	for range 3 { // the pools' connections die one by one, then none can be made
		res := approve()
		p := problem(t, res, http.StatusServiceUnavailable, instruct.CodeUnavailable)
		if s, err := strconv.Atoi(res.header.Get(api.HeaderRetryAfter)); err != nil || s <= 0 {
			t.Errorf("Retry-After = %q, want a number of seconds", res.header.Get(api.HeaderRetryAfter))
		}
		t.Logf("PostgreSQL down: %s", p.Detail)
	}
	health(t, e, http.StatusServiceUnavailable)

	proxy.restore()
	waitHealthy(t, e)
	deadline := time.Now().Add(10 * time.Second)
	res := approve()
	for res.status == http.StatusServiceUnavailable && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		res = approve()
	}
	d := decodeAs[api.DecisionResult](t, res, http.StatusCreated)
	if d.Request.Status != instruct.StatusValidated {
		t.Errorf("after PostgreSQL returned, %s is %s, want validated", r.ID, d.Request.Status)
	}
	if got := len(e.events(r.ID)); got != 3 {
		t.Errorf("%s has %d events, want 3: the retried decision once", r.ID, got)
	}
}
