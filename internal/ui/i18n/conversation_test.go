package i18n

import (
	"reflect"
	"testing"
	"time"
)

// TestFrenchConversationWordsHaveNoEnglish walks the conversation and
// delivery words as TestFrenchHasNoEnglish walks the catalogue.
func TestFrenchConversationWordsHaveNoEnglish(t *testing.T) {
	fr, en := reflect.ValueOf(French().Conversation()), reflect.ValueOf(English().Conversation())
	for i := range fr.NumField() {
		name := fr.Type().Field(i).Name
		switch f := fr.Field(i); f.Kind() {
		case reflect.String:
			checkFrench(t, name, f.String(), en.Field(i).String())
		case reflect.Func:
			if name == "At" {
				continue // a time, the same in both languages
			}
			for _, args := range argSets(f.Type()) {
				checkFrench(t, name, f.Call(args)[0].String(), en.Field(i).Call(args)[0].String())
			}
		}
	}
}

// TestDeliveryTimesInTheReviewersZone: the next try of a delivery is
// written in the reviewer's zone, its hour alone when it is today there.
func TestDeliveryTimesInTheReviewersZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatalf("LoadLocation(Europe/Paris) = %v", err)
	}
	at := French().InZone(paris).Conversation().At
	now := time.Date(2026, 3, 16, 9, 30, 0, 0, time.UTC)
	if got := at(time.Date(2026, 3, 16, 13, 5, 0, 0, time.UTC), now); got != "14:05" {
		t.Errorf("At(13:05 UTC today) = %q, want 14:05 in Paris", got)
	}
	if got := at(time.Date(2026, 3, 16, 23, 30, 0, 0, time.UTC), now); got != "17/03/2026 00:30" {
		t.Errorf("At(23:30 UTC, tomorrow in Paris) = %q, want 17/03/2026 00:30", got)
	}
}
