package catalog

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// scopeWalker flattens a definition's scopes: DataPass writes them as a
// list whose items are scopes or, through anchors and aliases, lists of
// scopes. It keeps the first entry of each scope ID and counts the nodes
// it visits so that aliases cannot make it loop or explode.
type scopeWalker struct {
	visited int
	seen    map[string]bool
	scopes  []instruct.Scope
}

// parseScopes returns the flattened scopes of node n, which is the zero
// node when the definition has no scopes key.
func parseScopes(n *yaml.Node) ([]instruct.Scope, error) {
	w := scopeWalker{seen: map[string]bool{}}
	if n.Kind == 0 || isNull(n) {
		return nil, nil
	}
	if resolve(n).Kind != yaml.SequenceNode {
		return nil, positionedPlain(n, "scopes must be a list")
	}
	if err := w.walk(n, 0); err != nil {
		return nil, err
	}
	return w.scopes, nil
}

// walk visits node n at nesting depth.
func (w *scopeWalker) walk(n *yaml.Node, depth int) error {
	w.visited++
	if w.visited > maxScopeNodes {
		return positionedPlain(n, "scopes are nested or aliased too much")
	}
	if depth > maxScopeDepth {
		return positionedPlain(n, "scopes are nested more than %d levels deep", maxScopeDepth)
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return positionedPlain(n, "unknown alias")
		}
		return w.walk(n.Alias, depth+1)
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if err := w.walk(item, depth+1); err != nil {
				return err
			}
		}
		return nil
	case yaml.MappingNode:
		return w.add(n)
	}
	if isNull(n) {
		return nil
	}
	return positionedPlain(n, "a scope must be a map with a name and a value")
}

// add decodes one scope entry and appends it unless its ID was seen.
func (w *scopeWalker) add(n *yaml.Node) error {
	var raw rawScope
	if err := n.Decode(&raw); err != nil {
		return err
	}
	id := strings.TrimSpace(raw.Value)
	if !validID(id) {
		return positionedPlain(n, "scope value %q must be 1 to %d letters, digits, '_', '-' or '.'", cells.Truncate(raw.Value, maxQuoted), maxIDLength)
	}
	if w.seen[id] {
		return nil
	}
	w.seen[id] = true
	w.scopes = append(w.scopes, instruct.Scope{
		ID:       id,
		Label:    orDefault(strings.TrimSpace(raw.Name), id),
		Group:    strings.TrimSpace(raw.Group),
		Included: raw.Included,
	})
	return nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// positionedPlain is positioned without the "parse catalogue" prefix, for
// errors its caller wraps.
func positionedPlain(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("line %d, column %d: %s", n.Line, n.Column, fmt.Sprintf(format, args...))
}
