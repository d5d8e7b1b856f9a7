package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/instruct-dev/instruct/internal/api"
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

// writeKeysetPage answers a keyset page of a list: the first of shown
// that fit the page budget under the key list, then "next", the number
// of the last one written (from numberOf) when found holds more than
// were written, null otherwise. found is what the query returned, one
// more than the page when there is more; shown its first items, shaped
// for the wire.
func writeKeysetPage[T any](w http.ResponseWriter, list string, shown []T, found int, numberOf func(T) int64) error {
	encoded, err := pack(list, shown, api.FeedPageBudget)
	if err != nil {
		return err
	}
	var next *string
	if encoded.n < found {
		after := strconv.FormatInt(numberOf(shown[encoded.n-1]), 10)
		next = &after
	}
	return encoded.write(w, member{"next", next})
}
