package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestRemoveTakesEveryFileOnlyWhenUnused: a cache still open by another
// Store is left whole; once closed, Remove takes the file and everything
// beside it, so that its directory is empty again.
func TestRemoveTakesEveryFileOnlyWhenUnused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "cache.db")
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.PutDefinitions(ctx, testDefinitions()); err != nil {
		t.Fatal(err)
	}

	removed, err := Remove(path)
	if err != nil || removed {
		t.Errorf("Remove of a cache open elsewhere = %v, %v; want false, nil", removed, err)
	}
	if defs, err := other.Definitions(ctx); err != nil || len(defs) != len(testDefinitions()) {
		t.Errorf("the open cache after Remove holds %d definitions (%v), want %d", len(defs), err, len(testDefinitions()))
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}

	removed, err = Remove(path)
	if err != nil || !removed {
		t.Fatalf("Remove of a closed cache = %v, %v; want true, nil", removed, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("after Remove, %s is still in the cache's directory", e.Name())
	}
}
