package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// pageOverhead is room, within a page's budget, for what wraps its items:
// the list's key, the cursor or next position, more.
const pageOverhead = 512

// pack encodes items in order while the page they make stays within
// budget bytes, and returns their JSON: at least one item, whatever its
// size, so that every page moves its reader forward.
func pack[T any](items []T, budget int) ([][]byte, error) {
	out := make([][]byte, 0, len(items))
	size := pageOverhead
	for _, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return nil, fmt.Errorf("encode a page item: %w", err)
		}
		if len(out) > 0 && size+len(b)+1 > budget {
			break
		}
		out = append(out, b)
		size += len(b) + 1
	}
	return out, nil
}

// member is a member of a JSON object: its key and its value.
type member struct {
	key   string
	value any
}

// writePage answers 200 with the JSON object {"<list>": [items…], rest…}:
// items already encoded, rest the object's other members in order.
func writePage(w http.ResponseWriter, list string, items [][]byte, rest ...member) error {
	var buf bytes.Buffer
	buf.WriteString(`{"` + list + `":[`)
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(it)
	}
	buf.WriteByte(']')
	for _, m := range rest {
		v, err := json.Marshal(m.value)
		if err != nil {
			return fmt.Errorf("encode %s: %w", m.key, err)
		}
		buf.WriteString(`,"` + m.key + `":`)
		buf.Write(v)
	}
	buf.WriteString("}\n")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}
