package catalog

import (
	"fmt"
	"io/fs"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Load parses every file of fsys matching glob (such as "*.yml") and
// returns their definitions together, sorted by ID. A definition ID found
// in two files is an error, as is a glob matching no file.
func Load(fsys fs.FS, glob string) ([]instruct.Definition, error) {
	names, err := fs.Glob(fsys, glob)
	if err != nil {
		return nil, fmt.Errorf("load catalogue %s: %w", glob, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("load catalogue %s: no file matches", glob)
	}
	var all []instruct.Definition
	origin := map[string]string{}
	for _, name := range names {
		defs, err := loadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		for _, d := range defs {
			if first, dup := origin[d.ID]; dup {
				return nil, fmt.Errorf("load catalogue: definition %q is in both %s and %s", d.ID, first, name)
			}
			origin[d.ID] = name
		}
		all = append(all, defs...)
	}
	sortByID(all)
	return all, checkPrerequisites(all)
}

// checkPrerequisites refuses a prerequisite that names no definition of
// defs: it would flag every request of its definition for ever.
func checkPrerequisites(defs []instruct.Definition) error {
	known := map[string]bool{}
	for _, d := range defs {
		known[d.ID] = true
	}
	for _, d := range defs {
		for _, pre := range d.Prerequisites {
			if !known[pre] {
				return fmt.Errorf("load catalogue: definition %q names prerequisite %q, which is not in the catalogue", d.ID, cells.Truncate(pre, maxQuoted))
			}
		}
	}
	return nil
}

// loadFile parses one file of the catalogue.
func loadFile(fsys fs.FS, name string) ([]instruct.Definition, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	defs, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return defs, nil
}
