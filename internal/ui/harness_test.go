package ui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// testNow is the fixed clock of every test.
var testNow = time.Date(2026, 3, 16, 9, 30, 0, 0, time.UTC)

// seed is the demo data's seed.
const seed = 42

// reviewer returns the demo instructor the screen signs in as.
func reviewer(t testing.TB) instruct.User {
	for _, u := range demo.Users() {
		if u.ID == demo.InstructorID {
			return u
		}
	}
	t.Fatal("demo users have no instructor")
	return instruct.User{}
}

// openStore opens a real cache in a temp dir holding the catalogue, the
// reviewer and n demo requests.
func openStore(t testing.TB, n int) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	fillStore(t, st, n)
	return st
}

// fillStore puts the catalogue, the reviewer and n demo requests in st,
// the way the sync engine would: by pages of the change feed.
func fillStore(t testing.TB, st *store.Store, n int) {
	ctx := context.Background()
	defs, err := catalog.Default()
	if err != nil {
		t.Fatalf("catalog.Default: %v", err)
	}
	if err := st.PutDefinitions(ctx, defs); err != nil {
		t.Fatalf("PutDefinitions: %v", err)
	}
	if err := st.PutMe(ctx, reviewer(t)); err != nil {
		t.Fatalf("PutMe: %v", err)
	}
	g := demo.New(seed, defs, testNow)
	var seq int64
	const page = 2000
	for start := 0; start < n; start += page {
		items := make([]instruct.FeedItem, 0, page)
		for i := start; i < min(n, start+page); i++ {
			h := g.History(i)
			for k := range h.Events {
				seq++
				h.Events[k].Seq = seq
			}
			items = append(items, instruct.FeedItem{Seq: seq, Request: h.Request, Events: h.Events, Habilitations: h.Habilitations})
		}
		if err := st.ApplyPage(ctx, items, strconv.FormatInt(seq, 10)); err != nil {
			t.Fatalf("ApplyPage: %v", err)
		}
	}
}

// driver runs a Model the way a Bubble Tea program would, synchronously:
// every command runs and its message goes back to Update.
type driver struct {
	t       testing.TB
	m       Model
	quit    bool
	waits   int
	timeout time.Duration
	// observe, when set, sees the model after every Update, before the
	// commands it returned run: the states a terminal may draw.
	observe func(Model)
}

// cmdTimeout is how long a command may take before the driver considers
// it a waiting one (a tick, the sync engine's next status) and drops it.
const cmdTimeout = 300 * time.Millisecond

func newDriver(t testing.TB, opts Options, w, h int) *driver {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	if opts.Lang == "" {
		opts.Lang = "fr"
	}
	if opts.Location == nil {
		opts.Location = time.UTC // goldens alike on every machine
	}
	opts.NoColor = true
	d := &driver{t: t, m: New(opts), timeout: cmdTimeout}
	if opts.Syncer == nil {
		d.timeout = time.Minute // nothing waits: every command answers
	}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(d.m.Init())
	return d
}

// send gives msg to Update and runs the command it returns.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	next, cmd := d.m.Update(msg)
	d.m = next.(Model)
	if d.observe != nil {
		d.observe(d.m)
	}
	d.run(cmd)
}

// run runs cmd and everything that follows from it.
func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(d.timeout):
		d.waits++
		return
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		if cmds, ok := sequence(msg); ok {
			for _, c := range cmds {
				d.run(c)
			}
			return
		}
		d.send(msg)
	}
}

// sequence returns the commands of a tea.Sequence, whose message type
// Bubble Tea keeps to itself, to run them in order.
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

// keys types each key in turn: "j", "enter", "ctrl+s", or text.
func (d *driver) keys(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyPress(k))
	}
}

// typeText types s one character at a time.
func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.send(keyPress(string(r)))
	}
}

// keyPress builds the message of a key as the terminal sends it.
func keyPress(k string) tea.KeyPressMsg {
	special := map[string]tea.Key{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "backspace": {Code: tea.KeyBackspace},
		"up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown}, "left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight},
		"pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp}, "space": {Code: tea.KeySpace, Text: " "},
	}
	if k, ok := special[k]; ok {
		return tea.KeyPressMsg(k)
	}
	if mod, rest, ok := strings.Cut(k, "+"); ok && mod == "ctrl" {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen returns the text of the current frame.
func (d *driver) screen() string {
	d.t.Helper()
	return d.m.View().Content
}

// golden compares got with testdata/name.golden, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("write %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run with -update to create it)", path, err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("View() at %s differs from the golden file (-want +got):\n%s", name, diff)
	}
}
