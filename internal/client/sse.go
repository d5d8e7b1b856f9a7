package client

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// maxStreamLine caps one line of the event stream.
const maxStreamLine = 1 << 20

// sseEvent is one dispatched Server-Sent Event.
type sseEvent struct {
	name string
	data string
}

// eventReader parses a text/event-stream: lines ended by CRLF, LF or CR;
// "field: value" lines; comments starting with ':'; an event dispatched
// at each blank line if it has data. Fields other than event and data
// (id, retry) are ignored.
type eventReader struct {
	lines *bufio.Scanner
	first bool
}

func newEventReader(r io.Reader) *eventReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxStreamLine)
	sc.Split(scanStreamLines)
	return &eventReader{lines: sc, first: true}
}

// next returns the next event, io.EOF at the end of the stream (an event
// not closed by a blank line is dropped, as the standard says).
func (r *eventReader) next() (sseEvent, error) {
	var name string
	var data strings.Builder
	hasData := false
	for r.lines.Scan() {
		line := r.lines.Text()
		if r.first {
			line = strings.TrimPrefix(line, "\ufeff")
			r.first = false
		}
		if line == "" {
			if hasData {
				return sseEvent{name: orMessage(name), data: strings.TrimSuffix(data.String(), "\n")}, nil
			}
			name = ""
			continue
		}
		field, value := splitField(line)
		switch field {
		case "event":
			name = value
		case "data":
			data.WriteString(value)
			data.WriteByte('\n')
			hasData = true
		}
	}
	if err := r.lines.Err(); err != nil {
		return sseEvent{}, err
	}
	return sseEvent{}, io.EOF
}

func orMessage(name string) string {
	if name == "" {
		return "message"
	}
	return name
}

// splitField splits "field: value" (one space after the colon is
// dropped); a comment line gives the empty field.
func splitField(line string) (string, string) {
	field, value, found := strings.Cut(line, ":")
	if !found {
		return line, ""
	}
	return field, strings.TrimPrefix(value, " ")
}

// scanStreamLines is a bufio.SplitFunc for lines ended by "\r\n", "\n" or
// "\r".
func scanStreamLines(data []byte, atEOF bool) (int, []byte, error) {
	i := bytes.IndexAny(data, "\r\n")
	switch {
	case i < 0 && atEOF && len(data) > 0:
		return len(data), data, nil
	case i < 0:
		return 0, nil, nil
	case data[i] == '\n':
		return i + 1, data[:i], nil
	case i+1 < len(data):
		if data[i+1] == '\n' {
			return i + 2, data[:i], nil
		}
		return i + 1, data[:i], nil
	case atEOF:
		return i + 1, data[:i], nil
	}
	return 0, nil, nil
}
