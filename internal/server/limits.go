package server

import (
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Defaults of Limits.
const (
	// DefaultReadHeaderTimeout bounds the reading of a request's headers.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds the reading of a whole request, body
	// included: a body trickled a byte at a time is cut after it.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds the writing of a response, and of each
	// event of a stream: a client that stops reading is cut after it.
	DefaultWriteTimeout = 60 * time.Second
	// DefaultIdleTimeout is how long a keep-alive connection may wait for
	// its next request.
	DefaultIdleTimeout = 30 * time.Second
	// DefaultMaxHeaderBytes bounds the headers of a request.
	DefaultMaxHeaderBytes = 64 << 10
	// DefaultMaxConnections is how many connections are served at once.
	DefaultMaxConnections = 1024
)

// Limits bound what one client may hold of the server: the time it takes
// to send a request or read a response, how long it keeps an idle
// connection, the size of its headers, and how many connections are
// served at once. Zero fields mean the defaults. An event stream lasts
// as long as its client reads: WriteTimeout applies to each of its
// events.
type Limits struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	// MaxConnections is how many connections are open at once; more
	// wait, connected, until one closes.
	MaxConnections int
}

func (l Limits) withDefaults() Limits {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&l.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&l.ReadTimeout, DefaultReadTimeout)
	def(&l.WriteTimeout, DefaultWriteTimeout)
	def(&l.IdleTimeout, DefaultIdleTimeout)
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxConnections <= 0 {
		l.MaxConnections = DefaultMaxConnections
	}
	return l
}

// HTTPServer returns an http.Server serving s within its Limits; serve
// it on Listener(ln). errorLog receives the connection errors net/http
// reports; nil means the standard logger.
func (s *Server) HTTPServer(errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.limits.ReadHeaderTimeout,
		ReadTimeout:       s.limits.ReadTimeout,
		WriteTimeout:      s.limits.WriteTimeout,
		IdleTimeout:       s.limits.IdleTimeout,
		MaxHeaderBytes:    s.limits.MaxHeaderBytes,
		ErrorLog:          errorLog,
	}
}

// Listener returns ln accepting no more than Limits.MaxConnections
// connections open at once: the next one waits, connected, in the
// system's queue until one of them closes.
func (s *Server) Listener(ln net.Listener) net.Listener {
	return &capListener{Listener: ln, slots: make(chan struct{}, s.limits.MaxConnections), done: make(chan struct{})}
}

// capListener is a listener with a cap on its open connections.
type capListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Accept waits for a free slot, then for a connection.
func (l *capListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &slotConn{Conn: c, free: func() { <-l.slots }}, nil
}

// Close closes the listener and ends an Accept waiting for a slot.
func (l *capListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// slotConn is a connection holding a slot of its listener until closed.
type slotConn struct {
	net.Conn
	once sync.Once
	free func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.free)
	return err
}
