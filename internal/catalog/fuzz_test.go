package catalog

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds the loader arbitrary bytes: it must never panic, and a
// catalogue it accepts has usable identifiers.
func FuzzParse(f *testing.F) {
	// Small reference files only: large seeds make the fuzzer spend its
	// time minimising them.
	files, _ := filepath.Glob(filepath.Join(referenceDir(f), "*.yml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil && len(data) < 4096 {
			f.Add(data)
		}
	}
	f.Add(defaultYAML[:2048])
	f.Add([]byte("a: &a\n  scopes: [[{value: x}], *s]\nb:\n  <<: *a\n"))
	f.Add([]byte("api:\n  scopes: &s\n    - *s\n"))
	f.Add([]byte("api:\n  templates:\n    - {kind: refuse, title: t, body: b}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defs, err := Parse(data)
		if err != nil {
			return
		}
		for _, d := range defs {
			if d.ID == "" {
				t.Fatalf("Parse(%q) accepted a definition without an ID", data)
			}
			for _, s := range d.Scopes {
				if s.ID == "" {
					t.Fatalf("Parse(%q) accepted a scope without an ID in %s", data, d.ID)
				}
			}
		}
	})
}
