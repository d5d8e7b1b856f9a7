package catalog

import (
	_ "embed"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// defaultYAML is the project's own catalogue, in DataPass's format with
// our templates and review_days keys.
//
//go:embed default.yml
var defaultYAML []byte

// Default returns the project's default catalogue: the APIs of the
// "Dites-le-nous une fois" programme that DataPass defines, with their
// real scope identifiers, labels and groups, and message templates.
func Default() ([]instruct.Definition, error) {
	defs, err := Parse(defaultYAML)
	if err != nil {
		return nil, fmt.Errorf("default catalogue: %w", err)
	}
	return defs, checkPrerequisites(defs)
}
