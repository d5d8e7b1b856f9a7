package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store/storetest"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// largeDemo is how many demo requests make a cache larger than the part
// the cache checks whole when it opens (16 MiB): damage in it shows only
// when read.
const largeDemo = "4500"

// largeCacheSetUp starts a server with largeDemo requests and fills a
// cache from it; it returns the cache, its flags and submitted requests
// the demo instructor may decide.
func largeCacheSetUp(t *testing.T) (*serverProc, *sandbox, string, []string, []instruct.Request) {
	t.Helper()
	srv := startServer(t, filepath.Join(t.TempDir(), "server.db"), true, "--demo-count", largeDemo)
	box := newSandbox(t)
	cache := box.path("cache.db")
	flags := connFlags(srv.URL, srv.token(t, demo.InstructorID), cache)
	firstSync(t, box, srv, cache)
	if info, err := os.Stat(cache); err != nil || info.Size() <= 16<<20 {
		t.Fatalf("the cache is %v bytes (%v), want more than 16 MiB", info.Size(), err)
	}
	reqs := listRequests(t, srv.client(t, demo.InstructorID), instruct.StatusSubmitted, "api_entreprise")
	if len(reqs) < 2 {
		t.Fatalf("the demo data has %d submitted api_entreprise requests, want 2", len(reqs))
	}
	return srv, box, cache, flags, reqs
}

// TestCommandsHealADamagedLargeCache damages the cached requests of a
// cache too large to be checked whole when it opens, twice, and uses it
// with `ls`, then `sync`. Each finds the damage when it reads it, says so
// in one line (what was saved, what was lost, where the old file is),
// keeps the queued decision, moves the file aside and fills a fresh cache
// again from the server, and exits 1; the decision lands once.
func TestCommandsHealADamagedLargeCache(t *testing.T) {
	srv, box, cache, flags, reqs := largeCacheSetUp(t)
	marie := srv.client(t, demo.InstructorID)

	// ls: the queue read meets the damage.
	comment := "La finalité déclarée ne justifie pas ces données (cache réparé)."
	box.must(append([]string{"decide", reqs[0].ID.String(), "refuse", "--comment", comment}, flags...)...)
	storetest.DamageLeaves(t, cache, "requests", 0, 0)
	res := box.run(append([]string{"ls"}, flags...)...)
	checkHealedLine(t, "ls", res, cache, 1, "run the command again")
	if n := countEvents(eventsOf(t, marie, reqs[0].ID), instruct.KindRefuse, comment); n != 1 {
		t.Errorf("the refusal kept from the damaged cache is on the server %d times, want once", n)
	}
	if listed := box.must(append([]string{"ls"}, flags...)...); !strings.Contains(listed.stdout, reqs[1].ID.String()) {
		t.Errorf("ls after the repair does not list %s:\n%s", reqs[1].ID, listed.stdout)
	}

	// sync: the pull writes a changed request over the damage.
	storetest.DamageLeaves(t, cache, "requests", 0, 0)
	other := newSandbox(t)
	otherFlags := connFlags(srv.URL, srv.token(t, demo.InstructorID), other.path("cache.db"))
	other.must(append([]string{"sync"}, otherFlags...)...)
	other.must(append([]string{"decide", reqs[1].ID.String(), "approve"}, otherFlags...)...)
	other.must(append([]string{"sync"}, otherFlags...)...)
	res = box.run(append([]string{"sync"}, flags...)...)
	checkHealedLine(t, "sync", res, cache, 0, "filled again from the server")
	if !strings.Contains(res.stdout, "synced: 0 pending") {
		t.Errorf("sync after the repair = %s, want it synced", res)
	}
}

// TestScreenHealsADamagedLargeCache opens the screen on a cache too large
// to be checked whole when it opens, whose cached requests are damaged,
// with the server stopped: the queue read meets the damage, and the
// screen says in one line that the cache was replaced, with the queued
// refusal saved, and where the old file is, while the status bar says
// the server is out of reach (never "online"). Once the server is back,
// the queue fills again and the refusal lands once.
func TestScreenHealsADamagedLargeCache(t *testing.T) {
	srv, box, cache, flags, reqs := largeCacheSetUp(t)
	comment2 := "Les données demandées dépassent la finalité (écran)."
	box.must(append([]string{"decide", reqs[1].ID.String(), "refuse", "--comment", comment2}, flags...)...)
	storetest.DamageLeaves(t, cache, "requests", 0, 0)
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0", code)
	}
	fr := i18n.French()
	scr := startScreen(t, box, 200, 40, tuiArgs(srv, t, cache)...)
	screen := scr.waitText("Cache endommagé, remplacé : 1 décision en attente sauvée, 0 perdue", ".broken-",
		fr.Fault(instruct.FaultUnreachable))
	if strings.Contains(screen, fr.Online) {
		t.Errorf("with the server stopped, the screen says %q:\n%s", fr.Online, screen)
	}
	restarted, err := startServerAt(t, srv.addr, srv.db, false)
	if err != nil {
		t.Fatalf("restart the server on %s: %v", srv.addr, err)
	}
	queueTitle := regexp.MustCompile(`File · [1-9]`)
	scr.waitFor("the queue filled again and the server back", func(screen string) bool {
		return queueTitle.MatchString(screen) && strings.Contains(screen, fr.Online)
	})
	api := restarted.clientWith(srv.token(t, demo.InstructorID))
	if !waitUntil(screenTimeout, func() bool {
		return countEvents(eventsOf(t, api, reqs[1].ID), instruct.KindRefuse, comment2) == 1
	}) {
		t.Errorf("the refusal kept by the screen's repair is not on the server once")
	}
}

// checkHealedLine checks what a command said and did over a damaged
// cache: exit 1, one line on stderr saying it was damaged and replaced,
// with saved queued decisions kept, none lost, where the old file went,
// and then; the old file is next to the cache.
func checkHealedLine(t *testing.T, name string, res result, cache string, saved int, then string) {
	t.Helper()
	line := strings.TrimSpace(res.stderr)
	want := fmt.Sprintf("Cache damaged, replaced: %d queued decision", saved)
	if res.code != 1 || strings.Contains(line, "\n") || !strings.Contains(line, want) ||
		!strings.Contains(line, ", 0 lost; the old file is "+cache+".broken-") || !strings.Contains(line, then) {
		t.Errorf("%s over a damaged cache = %s\nwant exit 1 and one line saying %q, 0 lost, where the old file is, and %q", name, res, want, then)
	}
	if moved, _ := filepath.Glob(cache + ".broken-*"); len(moved) == 0 {
		t.Errorf("%s left no %s.broken-* file", name, filepath.Base(cache))
	}
}

// TestSyncSaysServerUnavailable points `instruct sync` at a server that
// answers 503 unavailable (its disk full, its database down): the
// decision stays queued, and the failure says the server is unavailable,
// not out of reach, in English and in French.
func TestSyncSaysServerUnavailable(t *testing.T) {
	srv := runDemoServer(t)
	marie := srv.client(t, demo.InstructorID)
	req := pickSubmitted(t, marie, "api_entreprise")
	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	box.must(append([]string{"decide", req.ID.String(), "approve"}, connFlags(srv.URL, srv.token(t, demo.InstructorID), cache)...)...)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"type":"about:blank","title":"Service Unavailable","status":503,"code":"unavailable","detail":"the server cannot write now"}`)
	}))
	defer down.Close()
	flags := connFlags(down.URL, srv.token(t, demo.InstructorID), cache)
	for _, c := range []struct{ lang, want string }{
		{"C.UTF-8", "sync failed: server unavailable, decisions kept (1 operations kept in the outbox)"},
		{"fr_FR.UTF-8", "échec de la synchronisation : serveur indisponible, décisions gardées (1 en attente dans la file d'envoi)"},
	} {
		res := box.with("LANG=" + c.lang).run(append([]string{"sync"}, flags...)...)
		if res.code != 1 || strings.TrimSpace(res.stderr) != "instruct: "+c.want {
			t.Errorf("LANG=%s sync against a server answering 503 = %s\nwant exit 1 and %q", c.lang, res, c.want)
		}
	}
}

// TestSyncSaysDiskFull fills a cache on a small file system (a 1 MiB
// tmpfs, mounted as root): the sync fails saying the disk is full, in
// English and in French, never with SQLite's I/O code.
func TestSyncSaysDiskFull(t *testing.T) {
	dir := smallDisk(t, "1m")
	srv := runDemoServer(t)
	box := newSandbox(t)
	flags := connFlags(srv.URL, srv.token(t, demo.InstructorID), filepath.Join(dir, "cache.db"))
	for _, c := range []struct{ lang, want string }{
		{"C.UTF-8", "sync failed: disk full: free some space; decisions kept"},
		{"fr_FR.UTF-8", "échec de la synchronisation : disque plein : libérez de la place ; décisions gardées"},
	} {
		res := box.with("LANG=" + c.lang).run(append([]string{"sync"}, flags...)...)
		line := strings.TrimSpace(res.stderr)
		if res.code != 1 || strings.Contains(line, "\n") || !strings.Contains(line, c.want) || strings.Contains(line, "(13)") {
			t.Errorf("LANG=%s sync onto a full disk = %s\nwant exit 1 and one line saying %q", c.lang, res, c.want)
		}
	}
}

// smallDisk mounts a tmpfs of size in a temporary directory, unmounted
// when the test ends. It needs root: others skip, unless
// INSTRUCT_REQUIRE_E2E=1 (as in CI, which runs as root), where it fails.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		if os.Getenv("INSTRUCT_REQUIRE_E2E") == "1" {
			t.Fatal("mounting a small tmpfs needs root (INSTRUCT_REQUIRE_E2E=1)")
		}
		t.Skip("mounting a small tmpfs needs root; the store's tests fill a cache with max_page_count instead")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a %s tmpfs on %s: %v\n%s", size, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}
