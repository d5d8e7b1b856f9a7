package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
)

// queueRows returns the rows of the queue on screen with the item each
// one draws.
func queueRows(d *driver) (rows []string, items []instruct.QueueItem) {
	lines := strings.Split(d.screen(), "\n")
	all := d.m.queue.Items()
	for i := d.m.queue.Offset(); i < len(all); i++ {
		for _, l := range lines {
			if strings.Contains(l, " "+all[i].ID.String()+" ") {
				rows, items = append(rows, l), append(items, all[i])
				break
			}
		}
		if len(rows) >= 8 {
			break
		}
	}
	return rows, items
}

// start returns the first n cells of s, without an ellipsis.
func start(s string, n int) string {
	return strings.TrimSuffix(frame.Fit(s, n), frame.Ellipsis)
}

// TestMediumQueueShowsTitles: from 100 to 159 columns the queue, browsed
// full width, shows each request's title beside its organisation and API.
func TestMediumQueueShowsTitles(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 100, 30)
	for w := 100; w < 160; w += 7 {
		d.send(tea.WindowSizeMsg{Width: w, Height: 30})
		rows, items := queueRows(d)
		if len(rows) == 0 {
			t.Fatalf("at %d columns no queue row shows:\n%s", w, d.screen())
		}
		for i, row := range rows {
			title, api := start(items[i].Title, 12), shortName(d.m.defByID[items[i].Definition])
			if !strings.Contains(row, title) || !strings.Contains(row, start(api, 8)) {
				t.Errorf("at %d columns the row of %s lacks its title %q or API %q: %q", w, items[i].ID, title, api, row)
			}
		}
	}
}

// TestMixedQueueShowsAPIAndStatus: in the All tab and in search results
// every row names its API and its status, at every width.
func TestMixedQueueShowsAPIAndStatus(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"en", "fr"} {
		for _, how := range []string{"all tab", "search"} {
			d := newDriver(t, Options{Cache: f.st, Lang: lang}, 200, 50)
			if how == "all tab" {
				d.keys("shift+tab")
			} else {
				d.keys("/")
				d.typeText("cantine")
				d.keys("enter")
			}
			for _, sz := range [][2]int{{200, 50}, {160, 40}, {159, 40}, {120, 40}, {100, 30}, {80, 24}} {
				d.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				rows, items := queueRows(d)
				if len(rows) == 0 {
					t.Fatalf("%s %s at %dx%d: no queue row shows:\n%s", lang, how, sz[0], sz[1], d.screen())
				}
				for i, row := range rows {
					api, status := start(shortName(d.m.defByID[items[i].Definition]), 8), d.m.msgs.StatusShort(items[i].Status)
					if !strings.Contains(row, api) || !strings.Contains(row, " "+status+" ") {
						t.Errorf("%s %s at %dx%d: the row of %s lacks its API %q or status %q: %q", lang, how, sz[0], sz[1], items[i].ID, api, status, row)
					}
				}
			}
		}
	}
}
