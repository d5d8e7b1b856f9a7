package demo

import (
	"math/rand/v2"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Streams separate the random sequences of requests, organisations and
// people drawn from one seed.
const (
	streamOrganization = 0x6f7267616e697361
	streamPerson       = 0x706572736f6e6e65
)

// FirstRequestNumber is the number of the first demo request: History(i)
// is request RequestID(FirstRequestNumber + i).
const FirstRequestNumber = 1000

// Generator produces demo request histories. History(i) depends only on
// the seed, the catalogue, the time given to New and i, so any count can
// be streamed in order without holding them. A Generator never changes
// after New and is safe for concurrent use.
type Generator struct {
	seed      uint64
	now       time.Time
	cases     []useCase
	total     int // sum of the use cases' weights
	catalogue map[string]instruct.Definition
	reviewers map[string][]instruct.Actor
	admins    []instruct.Actor
	demoUser  instruct.User
	home      organization // the demo applicant's organisation
	orgs      [kindCount][]organization
	places    *places
	names     names
	texts     texts
}

// New returns a generator of requests on the definitions of defs (the
// server's catalogue), as of now. The built-in use cases of definitions
// absent from defs are left out, their scopes are kept to those defs
// lists, and a definition of defs without built-in use case gets a
// generic one. With no usable definition, the built-in use cases are used
// as they are.
func New(seed int64, defs []instruct.Definition, now time.Time) *Generator {
	g := &Generator{
		seed:      uint64(seed),
		now:       now.UTC().Truncate(time.Second),
		catalogue: map[string]instruct.Definition{},
		places:    newPlaces(),
		names:     newNames(),
		texts:     newTexts(),
	}
	for _, d := range defs {
		g.catalogue[d.ID] = d
	}
	g.cases = usableCases(defaultUseCases(), defs)
	for _, c := range g.cases {
		g.total += c.weight
	}
	users := Users()
	g.reviewers, g.admins = deciders(users)
	for _, u := range users {
		if u.ID == ApplicantID {
			g.demoUser = u
		}
	}
	for k := range kindCount {
		for idx := range g.places.count(k) {
			o := g.places.organization(g.seed, k, idx)
			o.people = g.people(o)
			g.orgs[k] = append(g.orgs[k], o)
		}
	}
	g.home = g.orgs[kindCommune][g.places.cityIndex("Quimper")]
	return g
}

// usableCases keeps the use cases whose definition defs holds, with the
// scopes it lists, and adds generic ones for the other definitions.
func usableCases(builtin []useCase, defs []instruct.Definition) []useCase {
	if len(defs) == 0 {
		return builtin
	}
	byID := map[string]instruct.Definition{}
	for _, d := range defs {
		byID[d.ID] = d
	}
	var out []useCase
	covered := map[string]bool{}
	for _, c := range builtin {
		if d, ok := byID[c.definition]; ok {
			if kept, ok := keepKnownScopes(c, d); ok {
				out = append(out, kept)
				covered[d.ID] = true
			}
		}
	}
	for _, d := range defs {
		if !covered[d.ID] && len(d.Scopes) > 0 {
			out = append(out, genericCase(d))
		}
	}
	if len(out) == 0 {
		return builtin
	}
	return out
}

// keepKnownScopes drops from c the scopes definition d does not list, and
// reports whether c still has a scope set.
func keepKnownScopes(c useCase, d instruct.Definition) (useCase, bool) {
	known := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			if _, ok := d.Scope(id); ok {
				out = append(out, id)
			}
		}
		return out
	}
	var sets [][]string
	for _, set := range c.scopeSets {
		if kept := known(set); len(kept) > 0 {
			sets = append(sets, kept)
		}
	}
	c.scopeSets, c.optional, c.excess = sets, known(c.optional), known(c.excess)
	return c, len(sets) > 0
}

// genericCase is a use case for a definition the demo knows nothing of.
func genericCase(d instruct.Definition) useCase {
	var ids []string
	for _, s := range d.Scopes {
		ids = append(ids, s.ID)
	}
	first := ids[:min(3, len(ids))]
	return useCase{
		definition: d.ID, weight: 40,
		kinds:      []orgKind{kindCommune, kindDepartement, kindMinistry},
		titles:     []string{"Raccordement à " + d.Name, "Simplification des démarches avec " + d.Name},
		summaries:  []string{"{Org} souhaite utiliser " + d.Name + " pour ne plus demander aux usagers des informations que l'administration détient déjà."},
		bases:      []basis{{natureCRPA, urlCRPAL1148, false}},
		scopeSets:  [][]string{first, ids},
		excess:     ids[len(first):],
		recipients: []string{"Agents habilités du service instructeur"},
	}
}

// History returns the i-th demo request (i ≥ 0) with its events.
func (g *Generator) History(i int) instruct.History {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	s := g.newStory(r, instruct.RequestID(FirstRequestNumber+i))
	h := s.history()
	g.attachDocument(&h)
	return h
}

// Histories returns the first n demo requests.
func (g *Generator) Histories(n int) []instruct.History {
	out := make([]instruct.History, n)
	for i := range out {
		out[i] = g.History(i)
	}
	return out
}

// useCase picks a use case by weight.
func (g *Generator) useCase(r *rand.Rand) *useCase {
	n := r.IntN(g.total)
	for i := range g.cases {
		n -= g.cases[i].weight
		if n < 0 {
			return &g.cases[i]
		}
	}
	return &g.cases[len(g.cases)-1]
}

// cityIndex returns the index of the city named name, or 0.
func (p *places) cityIndex(name string) int {
	for i, c := range p.cities {
		if c.name == name {
			return i
		}
	}
	return 0
}
