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

// packedPage is a page's JSON object under construction: its list of
// items written, its other members to come.
type packedPage struct {
	buf bytes.Buffer
	// n is how many items the list holds.
	n int
}

// pack starts the JSON object {"<list>": [items…] with the first items
// whose JSON stays within budget bytes: at least one, whatever its size,
// so that every page moves its reader forward.
func pack[T any](list string, items []T, budget int) (*packedPage, error) {
	p := &packedPage{}
	p.buf.WriteString(`{"` + list + `":[`)
	enc := json.NewEncoder(&p.buf)
	for _, it := range items {
		mark := p.buf.Len()
		if p.n > 0 {
			p.buf.WriteByte(',')
		}
		if err := enc.Encode(it); err != nil {
			return nil, fmt.Errorf("encode a page item: %w", err)
		}
		p.buf.Truncate(p.buf.Len() - 1) // Encode's newline
		if p.n > 0 && p.buf.Len()+pageOverhead > budget {
			p.buf.Truncate(mark)
			break
		}
		p.n++
	}
	p.buf.WriteByte(']')
	return p, nil
}

// member is a member of a JSON object: its key and its value.
type member struct {
	key   string
	value any
}

// write closes the page with the members rest, in order, and answers
// 200 with it.
func (p *packedPage) write(w http.ResponseWriter, rest ...member) error {
	for _, m := range rest {
		v, err := json.Marshal(m.value)
		if err != nil {
			return fmt.Errorf("encode %s: %w", m.key, err)
		}
		p.buf.WriteString(`,"` + m.key + `":`)
		p.buf.Write(v)
	}
	p.buf.WriteString("}\n")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(p.buf.Bytes())
	return err
}
