package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/store"
)

// benchRequests is the size of the benchmarks' cache.
const benchRequests = 100_000

// bigCache builds the 100,000-request cache once per test binary, in a
// directory TestMain removes.
var bigCache struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigCache.dir != "" {
		os.RemoveAll(bigCache.dir)
	}
	os.Exit(code)
}

// openBig opens the shared cache of benchRequests demo requests.
func openBig(b *testing.B) *store.Store {
	b.Helper()
	bigCache.once.Do(func() {
		bigCache.dir, bigCache.err = os.MkdirTemp("", "instruct-ui-bench-")
		if bigCache.err != nil {
			return
		}
		st, err := store.Open(context.Background(), filepath.Join(bigCache.dir, "cache.db"))
		if err != nil {
			bigCache.err = err
			return
		}
		fillStore(b, st, benchRequests)
		bigCache.err = st.Close()
	})
	if bigCache.err != nil {
		b.Fatalf("build the benchmark cache: %v", bigCache.err)
	}
	st, err := store.Open(context.Background(), filepath.Join(bigCache.dir, "cache.db"))
	if err != nil {
		b.Fatalf("store.Open: %v", err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// benchDriver opens the screen at w×h, in colour on a dark background, on
// the All tab of the big cache, its in-memory queue loaded (both programs
// warm it beside the first screen).
func benchDriver(b *testing.B, w, h int) *driver {
	st := openBig(b)
	if err := st.Warm(context.Background()); err != nil {
		b.Fatalf("Warm: %v", err)
	}
	d := newDriver(b, Options{Cache: st}, w, h)
	d.m.plain = false
	d.m.applyTheme()
	for range 2 { // the last tab is Mine, the one before it All
		d.keys("shift+tab")
	}
	if n := d.m.queue.Len(); n != benchRequests {
		b.Fatalf("the All tab holds %d rows, want %d", n, benchRequests)
	}
	return d
}

// step runs Update with msg and View, as a program does for a key, and
// returns the time taken; the command is returned, not run.
func step(d *driver, msg tea.Msg) (time.Duration, tea.Cmd) {
	start := time.Now()
	next, cmd := d.m.Update(msg)
	d.m = next.(Model)
	_ = d.m.View()
	return time.Since(start), cmd
}

// report adds the median and 99th percentile of durations to b.
func report(b *testing.B, durations []time.Duration) {
	slices.Sort(durations)
	pct := func(p float64) float64 {
		return float64(durations[min(len(durations)-1, int(p*float64(len(durations))))].Nanoseconds())
	}
	b.ReportMetric(pct(0.5), "ns-median")
	b.ReportMetric(pct(0.99), "ns-p99")
}

// BenchmarkKeyMove is j on a queue of 100,000 requests at 200×50, with the
// review beside it; the windows of rows the moves ask for arrive between
// keys, untimed (BenchmarkKeyBottom times one).
func BenchmarkKeyMove(b *testing.B) {
	d := benchDriver(b, 200, 50)
	down, top := keyPress("j"), keyPress("g")
	var ds []time.Duration
	for b.Loop() {
		if d.m.queue.Cursor() == d.m.queue.Len()-1 {
			step(d, top)
		}
		t, cmd := step(d, down)
		ds = append(ds, t)
		b.StopTimer()
		deliverWindows(d, cmd)
		b.StartTimer()
	}
	report(b, ds)
}

// deliverWindows runs cmd and gives Update the windows of queue rows it
// brings, as a program would between keys.
func deliverWindows(d *driver, cmd tea.Cmd) {
	for _, msg := range collect(cmd) {
		if q, ok := msg.(queueMsg); ok {
			step(d, q)
		}
	}
}

// BenchmarkKeyTabSwitch is tab between status tabs at 200×50 over 100,000
// requests: the key's frame, then the frame of the first window of rows.
func BenchmarkKeyTabSwitch(b *testing.B) {
	d := benchDriver(b, 200, 50)
	tab := keyPress("tab")
	var keys, results []time.Duration
	for b.Loop() {
		t, cmd := step(d, tab)
		keys = append(keys, t)
		b.StopTimer()
		msgs := collect(cmd)
		b.StartTimer()
		start := time.Now()
		for _, msg := range msgs {
			if q, ok := msg.(queueMsg); ok && q.first {
				step(d, msg)
			}
		}
		results = append(results, time.Since(start))
	}
	report(b, keys)
	slices.Sort(results)
	b.ReportMetric(float64(results[len(results)/2].Nanoseconds()), "ns-median-first-window")
}

// BenchmarkKeyPaneSwitch is tab between the review's panes at 200×50.
func BenchmarkKeyPaneSwitch(b *testing.B) {
	d := benchDriver(b, 200, 50)
	d.keys("enter")
	tab := keyPress("tab")
	var ds []time.Duration
	for b.Loop() {
		t, _ := step(d, tab)
		ds = append(ds, t)
	}
	report(b, ds)
}

// BenchmarkOpenRequest is Enter on the next request at 200×50 over
// 100,000: the key's frame plus the frame showing the request once read
// (the cache read itself is reported apart, as ns-median-cache-read).
func BenchmarkOpenRequest(b *testing.B) {
	d := benchDriver(b, 200, 50)
	enter, esc, down := keyPress("enter"), keyPress("esc"), keyPress("j")
	var ds, reads []time.Duration
	for b.Loop() {
		b.StopTimer()
		step(d, esc)
		_, cmd := step(d, down)
		b.StartTimer()
		t1, _ := step(d, enter)
		start := time.Now()
		msg := cmd()
		reads = append(reads, time.Since(start))
		t2, _ := step(d, msg)
		ds = append(ds, t1+t2)
	}
	report(b, ds)
	slices.Sort(reads)
	b.ReportMetric(float64(reads[len(reads)/2].Nanoseconds()), "ns-median-cache-read")
}

// BenchmarkKeyBottom is G then g on a queue of 100,000 requests at
// 200×50: per key, the key's frame, then the frame of the window of rows
// it asked for (the cache's read of the window is reported apart, as
// ns-median-window-read).
func BenchmarkKeyBottom(b *testing.B) {
	d := benchDriver(b, 200, 50)
	keys := []tea.KeyPressMsg{keyPress("G"), keyPress("g")}
	var ds, reads []time.Duration
	i := 0
	for b.Loop() {
		t1, cmd := step(d, keys[i%2])
		start := time.Now()
		msgs := collect(cmd)
		reads = append(reads, time.Since(start))
		var t2 time.Duration
		for _, msg := range msgs {
			if q, ok := msg.(queueMsg); ok {
				t2, _ = step(d, q)
			}
		}
		ds = append(ds, t1+t2)
		i++
	}
	report(b, ds)
	slices.Sort(reads)
	b.ReportMetric(float64(reads[len(reads)/2].Nanoseconds()), "ns-median-window-read")
}

// BenchmarkStartToFirstFrame is New, Init and its cache reads run at once
// as a program runs them, and the first full frame, over 100,000 cached
// requests.
func BenchmarkStartToFirstFrame(b *testing.B) {
	st := openBig(b)
	now := func() time.Time { return testNow }
	for b.Loop() {
		m := New(Options{Cache: st, Now: now, Lang: "fr"})
		next, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
		m = next.(Model)
		for _, msg := range runConcurrently(m.Init()) {
			if q, ok := msg.(queueMsg); ok && !q.first {
				continue
			}
			next, _ = m.Update(msg)
			m = next.(Model)
		}
		if v := m.View(); !strings.Contains(v.Content, "▶ D") {
			b.Fatalf("the first frame shows no request:\n%s", v.Content)
		}
	}
}

// BenchmarkSearchKeystroke types a search over 100,000 requests at
// 200×50: per keystroke, the key's frame, the cache's search for the first
// window and the counts (run at once, as a program does), and the frame of
// the results. The search is cleared before it grows past a few letters.
func BenchmarkSearchKeystroke(b *testing.B) {
	d := benchDriver(b, 200, 50)
	d.keys("/")
	words := []string{"cantine", "mairie", "quotient", "lyon", "2169"}
	var keys, total []time.Duration
	i := 0
	for b.Loop() {
		word := words[(i/4)%len(words)]
		if i%4 == 0 {
			b.StopTimer()
			d.keys("ctrl+u")
			b.StartTimer()
		}
		start := time.Now()
		t, cmd := step(d, keyPress(string(word[i%4])))
		for _, msg := range runConcurrently(cmd) {
			if q, ok := msg.(queueMsg); !ok || q.first {
				step(d, msg)
			}
		}
		keys, total = append(keys, t), append(total, time.Since(start))
		i++
	}
	report(b, keys)
	slices.Sort(total)
	b.ReportMetric(float64(total[len(total)/2].Nanoseconds()), "ns-median-to-results")
	b.ReportMetric(float64(total[len(total)*99/100].Nanoseconds()), "ns-p99-to-results")
}

// collect runs cmd and the commands it batches, returning their messages.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(c)...)
		}
		return out
	case nil:
		return nil
	default:
		return []tea.Msg{msg}
	}
}

// runConcurrently runs a batch's commands at once, as a program does, and
// returns their messages in the order they finish.
func runConcurrently(cmd tea.Cmd) []tea.Msg {
	msg := cmd()
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		return []tea.Msg{msg}
	}
	out := make(chan tea.Msg, len(batch))
	for _, c := range batch {
		go func() { out <- c() }()
	}
	msgs := make([]tea.Msg, 0, len(batch))
	for range batch {
		msgs = append(msgs, <-out)
	}
	return msgs
}
