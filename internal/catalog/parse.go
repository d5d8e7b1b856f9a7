// Package catalog reads the API catalogue: the definitions reviewers
// decide on, their data scopes and their message templates. It reads
// DataPass's definition YAML format (a map of definition id to name,
// description, provider and scopes), plus two keys of ours, templates and
// review_days, and embeds the project's default catalogue.
package catalog

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Limits that keep a hostile file from exhausting memory through nested
// lists or aliases.
const (
	maxScopeDepth = 16
	maxScopeNodes = 20000
	maxIDLength   = 100
	// maxQuoted is the most cells of a bad value an error message quotes.
	maxQuoted = 40
)

// rawDefinition is a definition as the YAML spells it. Keys we don't use
// (blocks, links, features…) are ignored.
type rawDefinition struct {
	Name        string        `yaml:"name"`
	Description string        `yaml:"description"`
	Provider    string        `yaml:"provider"`
	Short       string        `yaml:"short_name"`
	ReviewDays  int           `yaml:"review_days"`
	Scopes      yaml.Node     `yaml:"scopes"`
	Templates   []rawTemplate `yaml:"templates"`
	// Prerequisites, an extension of ours: the definitions an
	// organisation must hold an active habilitation of first.
	Prerequisites []string `yaml:"prerequisites"`
}

// rawScope is one entry of a definition's scopes: name is the label,
// value the identifier.
type rawScope struct {
	Name     string `yaml:"name"`
	Value    string `yaml:"value"`
	Group    string `yaml:"group"`
	Included bool   `yaml:"included"`
}

// rawTemplate is a message template, an extension of ours.
type rawTemplate struct {
	Kind  string `yaml:"kind"`
	Title string `yaml:"title"`
	Body  string `yaml:"body"`
}

// Parse reads definitions in DataPass's YAML format and returns them
// sorted by ID. Nested scope lists (produced by anchors and aliases) are
// flattened, merge keys are honoured, and a scope ID repeated within a
// definition keeps its first entry. Errors name the line and column.
func Parse(data []byte) ([]instruct.Definition, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse catalogue: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, positioned(root, "the catalogue must be a map of definition ids to definitions")
	}
	defs, err := parseDefinitions(root)
	if err != nil {
		return nil, err
	}
	sortByID(defs)
	return defs, nil
}

// parseDefinitions reads each key/value pair of the top-level map.
func parseDefinitions(root *yaml.Node) ([]instruct.Definition, error) {
	var defs []instruct.Definition
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		id, err := definitionID(key)
		if err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, positioned(key, "definition %q is defined twice", id)
		}
		seen[id] = true
		def, err := parseDefinition(id, value)
		if err != nil {
			return nil, err
		}
		defs = append(defs, def)
	}
	return defs, nil
}

// definitionID validates a top-level key.
func definitionID(key *yaml.Node) (string, error) {
	if key.Kind != yaml.ScalarNode || key.Tag == "!!merge" {
		return "", positioned(key, "a definition id must be a plain name")
	}
	if !validID(key.Value) {
		return "", positioned(key, "definition id %q must be 1 to %d letters, digits, '_', '-' or '.'", cells.Truncate(key.Value, maxQuoted), maxIDLength)
	}
	return key.Value, nil
}

// parseDefinition decodes one definition and checks its content.
func parseDefinition(id string, n *yaml.Node) (instruct.Definition, error) {
	if resolve(n).Kind != yaml.MappingNode {
		return instruct.Definition{}, positioned(n, "definition %q must be a map", id)
	}
	var raw rawDefinition
	if err := n.Decode(&raw); err != nil {
		return instruct.Definition{}, fmt.Errorf("parse catalogue: definition %q: %w", id, err)
	}
	if raw.ReviewDays < 0 || raw.ReviewDays > 3650 {
		return instruct.Definition{}, positioned(n, "definition %q: review_days must be between 0 and 3650", id)
	}
	scopes, err := parseScopes(&raw.Scopes)
	if err != nil {
		return instruct.Definition{}, fmt.Errorf("parse catalogue: definition %q: %w", id, err)
	}
	templates, err := parseTemplates(raw.Templates)
	if err != nil {
		return instruct.Definition{}, positioned(n, "definition %q: %v", id, err)
	}
	for _, pre := range raw.Prerequisites {
		if !validID(pre) || pre == id {
			return instruct.Definition{}, positioned(n, "definition %q: prerequisite %q must be the id of another definition", id, cells.Truncate(pre, maxQuoted))
		}
	}
	return instruct.Definition{
		ID:            id,
		Prerequisites: raw.Prerequisites,
		Name:          orDefault(strings.TrimSpace(raw.Name), id),
		Provider:      strings.TrimSpace(raw.Provider),
		Description:   strings.TrimSpace(raw.Description),
		Short:         strings.TrimSpace(raw.Short),
		ReviewDays:    raw.ReviewDays,
		Scopes:        scopes,
		Templates:     templates,
	}, nil
}

// parseTemplates checks each template's kind, title and body.
func parseTemplates(raw []rawTemplate) ([]instruct.Template, error) {
	var out []instruct.Template
	for i, t := range raw {
		kind := instruct.Kind(t.Kind)
		switch kind {
		case instruct.KindApprove, instruct.KindRefuse, instruct.KindRequestChanges:
		default:
			return nil, fmt.Errorf("template %d: kind %q is not approve, refuse or request_changes", i+1, cells.Truncate(t.Kind, maxQuoted))
		}
		title, body := strings.TrimSpace(t.Title), strings.TrimSpace(t.Body)
		if title == "" || body == "" {
			return nil, fmt.Errorf("template %d: a title and a body are required", i+1)
		}
		if err := instruct.CheckComment(kind, body); err != nil {
			return nil, fmt.Errorf("template %d: %w", i+1, err)
		}
		out = append(out, instruct.Template{Kind: kind, Title: title, Body: body})
	}
	return out, nil
}

// sortByID orders definitions by ID.
func sortByID(defs []instruct.Definition) {
	slices.SortFunc(defs, func(a, b instruct.Definition) int { return strings.Compare(a.ID, b.ID) })
}

// validID reports whether s is a usable identifier: it appears in role
// grants (DEF:ROLE) and URLs, so it holds no spaces, colons or slashes.
func validID(s string) bool {
	if s == "" || len(s) > maxIDLength {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// positioned returns an error naming the node's line and column.
func positioned(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("parse catalogue: line %d, column %d: %s", n.Line, n.Column, fmt.Sprintf(format, args...))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
