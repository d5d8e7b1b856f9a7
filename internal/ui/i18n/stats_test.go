package i18n

import (
	"reflect"
	"testing"
)

// TestFrenchStatsHaveNoEnglish: every statistics word in French, with
// the values the screen passes, holds no English and no raw key.
func TestFrenchStatsHaveNoEnglish(t *testing.T) {
	d := 3.25
	fr, en := French().Stats(), English().Stats()
	fv, ev := reflect.ValueOf(fr), reflect.ValueOf(en)
	for i := range fv.NumField() {
		name := "Stats." + fv.Type().Field(i).Name
		if f := fv.Field(i); f.Kind() == reflect.String {
			checkFrench(t, name, f.String(), ev.Field(i).String())
		}
	}
	pairs := [][2]string{
		{fr.Range("2026-10-01", "2026-10-31"), en.Range("2026-10-01", "2026-10-31")},
		{fr.Days(&d), en.Days(&d)}, {fr.Days(nil), ""}, {fr.Waiting(12), en.Waiting(12)},
		{fr.MyWeek(0), en.MyWeek(0)}, {fr.MyWeek(3), en.MyWeek(3)},
	}
	for _, p := range pairs {
		checkFrench(t, "Stats func", p[0], p[1])
	}
	if got := fr.Days(&d); got != "3,2 j" && got != "3,3 j" {
		t.Errorf("French Days(3.25) = %q, want a decimal comma and j", got)
	}
}
