package i18n

import (
	"reflect"
	"testing"
)

// TestFrenchDocumentWordsHaveNoEnglish walks the document words as
// TestFrenchHasNoEnglish walks the catalogue.
func TestFrenchDocumentWordsHaveNoEnglish(t *testing.T) {
	fr, en := reflect.ValueOf(French().Documents()), reflect.ValueOf(English().Documents())
	for i := range fr.NumField() {
		name := fr.Type().Field(i).Name
		switch f := fr.Field(i); f.Kind() {
		case reflect.String:
			checkFrench(t, name, f.String(), en.Field(i).String())
		case reflect.Func:
			switch name {
			case "Size":
				continue // TestSizesReadInEachLanguage
			case "Pages":
				continue // "page" is French too
			}
			for _, args := range argSets(f.Type()) {
				checkFrench(t, name, f.Call(args)[0].String(), en.Field(i).Call(args)[0].String())
			}
		}
	}
}

func TestSizesReadInEachLanguage(t *testing.T) {
	tests := []struct {
		bytes  int64
		en, fr string
	}{
		{0, "0 bytes", "0 octets"},
		{999, "999 bytes", "999 octets"},
		{48213, "48 KB", "48 Ko"},
		{1234567, "1.2 MB", "1,2 Mo"},
		{20 << 20, "21 MB", "21 Mo"},
	}
	en, fr := English().Documents(), French().Documents()
	for _, tt := range tests {
		if got := en.Size(tt.bytes); got != tt.en {
			t.Errorf("English Size(%d) = %q, want %q", tt.bytes, got, tt.en)
		}
		if got := fr.Size(tt.bytes); got != tt.fr {
			t.Errorf("French Size(%d) = %q, want %q", tt.bytes, got, tt.fr)
		}
	}
}
