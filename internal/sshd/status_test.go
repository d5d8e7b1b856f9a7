package sshd

import (
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestBroadcasterGivesEveryScreenTheLatestStatus(t *testing.T) {
	b := newBroadcaster(instruct.SyncStatus{Pending: 1})
	var triggered int
	first := b.subscribe(func() { triggered++ }, nil)
	if got := <-first.Updates(); got.Pending != 1 {
		t.Errorf("first status of a new screen = %+v, want the latest (Pending 1)", got)
	}
	second := b.subscribe(func() { triggered++ }, nil)
	for n := 2; n <= 4; n++ {
		b.publish(instruct.SyncStatus{Pending: n})
	}
	for name, l := range map[string]*listener{"first": first, "second": second} {
		if got := <-l.Updates(); got.Pending != 4 {
			t.Errorf("%s screen reads %+v, want the last status (Pending 4)", name, got)
		}
	}
	second.Trigger()
	if triggered != 1 {
		t.Errorf("Trigger reached the engine %d times, want 1", triggered)
	}
}

func TestBroadcasterUnsubscribeReleasesAWaitingScreen(t *testing.T) {
	b := newBroadcaster(instruct.SyncStatus{})
	l := b.subscribe(func() {}, nil)
	<-l.Updates()
	done := make(chan bool)
	go func() {
		_, ok := <-l.Updates()
		done <- ok
	}()
	b.unsubscribe(l)
	select {
	case ok := <-done:
		if ok {
			t.Error("a screen waiting on an unsubscribed listener got a status, want the channel closed")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a screen waiting on an unsubscribed listener is still waiting")
	}
	b.publish(instruct.SyncStatus{Pending: 1}) // must not panic on the closed channel
	b.unsubscribe(l)                           // nor twice
}

func TestBroadcasterRunForwardsUntilDone(t *testing.T) {
	b := newBroadcaster(instruct.SyncStatus{})
	l := b.subscribe(func() {}, nil)
	<-l.Updates()
	src, done := make(chan instruct.SyncStatus), make(chan struct{})
	ended := make(chan struct{})
	go func() { b.run(src, done); close(ended) }()
	src <- instruct.SyncStatus{Online: true}
	if got := <-l.Updates(); !got.Online {
		t.Errorf("forwarded status = %+v, want Online", got)
	}
	close(done)
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after done closed")
	}
}
