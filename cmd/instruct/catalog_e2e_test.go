package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/e2e"
)

// TestServeCatalogDirectory starts "instruct serve --catalog DIR --demo"
// on DataPass's own definition files: the server serves every definition
// of every file of the directory, and seeds demo requests on them.
func TestServeCatalogDirectory(t *testing.T) {
	dir := e2e.Shared(t, "reference/datapass/authorization_definitions")
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no definition files in %s (err %v)", dir, err)
	}
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "instruct.db")
	srv := &serverProc{URL: "http://" + addr, addr: addr, db: db, logDir: t.TempDir(), exited: make(chan struct{})}
	if err := srv.start([]string{"serve", "--addr", addr, "--db", db, "--demo", "--demo-count", "50", "--catalog", dir}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.cleanup(t) })
	if err := srv.waitHealthy(); err != nil {
		t.Fatalf("%v\n%s", err, tail(srv.stderr(), 4096))
	}
	srv.tokens = parseTokens(srv.stdout())
	served, err := srv.client(t, demo.InstructorID).Definitions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range served {
		ids = append(ids, d.ID)
	}
	for _, f := range files {
		defs, err := catalog.Load(os.DirFS(dir), filepath.Base(f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, d := range defs {
			if !slices.Contains(ids, d.ID) {
				t.Errorf("%s: definition %s is not served; served: %s", filepath.Base(f), d.ID, strings.Join(ids, " "))
			}
		}
	}
}

// TestServeRefusesABadCatalog: a --catalog directory without definition
// files stops the server before it listens, naming the flag.
func TestServeRefusesABadCatalog(t *testing.T) {
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	srv := &serverProc{URL: "http://" + addr, addr: addr, db: filepath.Join(t.TempDir(), "x.db"), logDir: t.TempDir(), exited: make(chan struct{})}
	if err := srv.start([]string{"serve", "--addr", addr, "--db", srv.db, "--catalog", empty}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.cleanup(t) })
	<-srv.exited
	if srv.state.Success() || !strings.Contains(srv.stderr(), "--catalog "+empty) {
		t.Fatalf("serve --catalog of an empty directory: exit %v, stderr:\n%s", srv.state, srv.stderr())
	}
}
