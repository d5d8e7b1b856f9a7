package replica

import (
	"bytes"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// faults is the mix of faults a faultProxy injects.
type faults struct {
	// Latency is the most added before forwarding each chunk.
	Latency time.Duration
	// Refuse is the share of connections reset at once.
	Refuse float64
	// LoseAnswer is the share of answers replaced by a reset: the
	// request reached the server, the client never hears back.
	LoseAnswer float64
	// Cut is the share of answers cut part-way by a reset.
	Cut float64
}

// faultProxy forwards TCP connections from a loopback port to a target,
// injecting faults: latency, refused connections, answers lost after the
// server acted, connections cut mid-answer. onRequest, if set, sees every
// chunk a client sends.
type faultProxy struct {
	tb     testing.TB
	l      net.Listener
	target string

	mu        sync.Mutex
	rnd       *rand.Rand
	mix       faults
	onRequest func(chunk []byte)
	injected  int
	conns     map[net.Conn]bool
	wg        sync.WaitGroup
}

func newFaultProxy(tb testing.TB, target string, mix faults, seed uint64) *faultProxy {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &faultProxy{tb: tb, l: l, target: target, mix: mix, conns: map[net.Conn]bool{}, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.close)
	return p
}

// URL is the proxy's base URL.
func (p *faultProxy) URL() string { return "http://" + p.l.Addr().String() }

// setFaults changes the mix of the next connections.
func (p *faultProxy) setFaults(mix faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mix = mix
}

// injectedFaults counts the faults injected so far.
func (p *faultProxy) injectedFaults() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.injected
}

// close stops accepting and cuts the connections under way.
func (p *faultProxy) close() {
	p.l.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// track adds or removes a connection of the set close cuts.
func (p *faultProxy) track(c net.Conn, open bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if open {
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
}

func (p *faultProxy) accept() {
	defer p.wg.Done()
	for {
		conn, err := p.l.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		p.track(conn, true)
		go func() {
			defer p.wg.Done()
			defer p.track(conn, false)
			p.handle(conn)
		}()
	}
}

// plan is what happens to one connection: refused at once, or served
// with faults drawn for each chunk of answer.
type plan struct {
	refuse bool
	mix    faults
	seed   uint64
}

func (p *faultProxy) plan() plan {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl := plan{mix: p.mix, seed: p.rnd.Uint64()}
	if p.rnd.Float64() < p.mix.Refuse {
		pl.refuse = true
		p.injected++
	}
	return pl
}

func (p *faultProxy) countFault() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.injected++
}

func (p *faultProxy) handle(down net.Conn) {
	pl := p.plan()
	if pl.refuse {
		reset(down)
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		reset(down)
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.forwardRequests(down, up, pl.mix.Latency, rand.New(rand.NewPCG(pl.seed, 1)))
	}()
	p.forwardAnswers(up, down, pl)
	<-done
}

// forwardRequests copies the client's bytes to the server.
func (p *faultProxy) forwardRequests(down, up net.Conn, latency time.Duration, rnd *rand.Rand) {
	defer up.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := down.Read(buf)
		if n > 0 {
			delay(latency, rnd)
			p.seeRequest(buf[:n])
			if _, werr := up.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *faultProxy) seeRequest(chunk []byte) {
	p.mu.Lock()
	hook := p.onRequest
	p.mu.Unlock()
	if hook != nil {
		hook(chunk)
	}
}

// forwardAnswers copies the server's bytes to the client. For each chunk
// (usually one answer) it draws a fault: the chunk lost and the client
// reset, as if the server acted but its answer never came; or the chunk
// cut part-way and the client reset.
func (p *faultProxy) forwardAnswers(up, down net.Conn, pl plan) {
	defer up.Close()
	rnd := rand.New(rand.NewPCG(pl.seed, 2))
	buf := make([]byte, 32<<10)
	for {
		n, err := up.Read(buf)
		if n > 0 {
			delay(pl.mix.Latency, rnd)
			keep, ok := cutPoint(pl.mix, n, rnd)
			if _, werr := down.Write(buf[:keep]); werr != nil || !ok {
				p.countFault()
				reset(down)
				return
			}
		}
		if err != nil {
			down.Close()
			return
		}
	}
}

// cutPoint returns how much of an n-byte chunk to forward, and false when
// the connection must be reset after it.
func cutPoint(mix faults, n int, rnd *rand.Rand) (int, bool) {
	switch x := rnd.Float64(); {
	case x < mix.LoseAnswer:
		return 0, false
	case x < mix.LoseAnswer+mix.Cut:
		return rnd.IntN(n), false
	}
	return n, true
}

func delay(max time.Duration, rnd *rand.Rand) {
	if max > 0 {
		time.Sleep(time.Duration(rnd.Int64N(int64(max) + 1)))
	}
}

// reset closes conn with a TCP reset rather than an orderly close.
func reset(conn net.Conn) {
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	conn.Close()
}

// countDecisionPosts returns a request hook that calls at(n) when the
// n-th decision POST passes.
func countDecisionPosts(at func(n int)) func([]byte) {
	var mu sync.Mutex
	n := 0
	return func(chunk []byte) {
		mu.Lock()
		n += bytes.Count(chunk, []byte("/decisions HTTP/1.1"))
		current := n
		mu.Unlock()
		at(current)
	}
}
