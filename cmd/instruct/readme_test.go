package main

import (
	"os"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// readme returns the project's README.
func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestReadmeSaysHowToGetTheBinary: the README says how to get the
// instruct binary before it tells how to use it for real.
func TestReadmeSaysHowToGetTheBinary(t *testing.T) {
	text := readme(t)
	use := strings.Index(text, "## Use it for real")
	if use < 0 {
		t.Fatal(`the README has no "Use it for real" section`)
	}
	for _, cmd := range []string{"go install ./cmd/instruct", "go build -o instruct ./cmd/instruct"} {
		if at := strings.Index(text, cmd); at < 0 || at > use {
			t.Errorf("the README does not say %q before \"Use it for real\"", cmd)
		}
	}
}

// TestReadmeNamesDemoUsersWhoShareAnAPI: to try a conflict, the README
// names two demo users who may both decide on an API, with that API, as
// the demo data really has them.
func TestReadmeNamesDemoUsersWhoShareAnAPI(t *testing.T) {
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, d := range defs {
		names[d.ID] = d.Name
	}
	var conflict []string
	for _, p := range strings.Split(readme(t), "\n\n") {
		if strings.Contains(p, "conflict") && strings.Contains(p, "demo users") {
			conflict = append(conflict, p)
		}
	}
	if len(conflict) == 0 {
		t.Fatal("the README has no paragraph on the demo users and a conflict")
	}
	for _, pair := range sharingPairs() {
		for _, p := range conflict {
			first, second := firstName(pair.a), firstName(pair.b)
			if strings.Contains(p, "as "+first+" and as "+second) || strings.Contains(p, "as "+second+" and as "+first) {
				if !strings.Contains(p, names[pair.def]) {
					t.Errorf("the README names %s and %s for a conflict but not %s, the API they share", first, second, names[pair.def])
				}
				return
			}
		}
	}
	t.Errorf("the README's conflict paragraph names no two demo users who share an API (pairs: %+v):\n%s", sharingPairs(), conflict)
}

// sharingPair is two demo users who may both decide on definition def by
// a grant on it.
type sharingPair struct {
	a, b instruct.User
	def  string
}

// sharingPairs returns the pairs of demo users granted to decide on the
// same definition, administrators of everything left out.
func sharingPairs() []sharingPair {
	users := demo.Users()
	var pairs []sharingPair
	for i, a := range users {
		for _, b := range users[i+1:] {
			for _, g := range a.Roles {
				if g.Definition != instruct.AllDefinitions && a.CanDecide(g.Definition) && b.CanDecide(g.Definition) && !b.IsAdmin() {
					pairs = append(pairs, sharingPair{a, b, g.Definition})
				}
			}
		}
	}
	return pairs
}

func firstName(u instruct.User) string {
	first, _, _ := strings.Cut(u.Name, " ")
	return first
}
