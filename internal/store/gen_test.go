package store

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// generator builds realistic feed items for benchmarks: French public
// organisations with valid SIRETs, service titles, legal bases, real scope
// IDs and a spread of statuses and ages. It is deterministic for a seed.
type generator struct {
	rng          *rand.Rand
	defs         []instruct.Definition
	descriptions []string
}

var (
	genCities = []string{"Lyon", "Brest", "Lille", "Marseille", "Toulouse", "Nantes", "Rennes", "Besançon",
		"Saint-Étienne", "Clermont-Ferrand", "Grenoble", "Orléans", "Angers", "Nîmes", "Villeurbanne",
		"Aix-en-Provence", "Le Havre", "Reims", "Dijon", "Évry-Courcouronnes", "Montreuil", "Pau", "Quimper",
		"Vannes", "Chambéry", "Annecy", "Bourg-en-Bresse", "Périgueux", "Agen", "Béziers"}
	genOrgKinds = []string{"Ville de %s", "Commune de %s", "CCAS de %s", "Métropole de %s",
		"Communauté d'agglomération de %s", "Centre hospitalier de %s", "Syndicat des transports de %s"}
	genDepartments = []string{"Département du Nord", "Département de la Gironde", "Département du Finistère",
		"Département de l'Hérault", "Département de Seine-Saint-Denis", "Département du Rhône"}
	genVendors = []string{"Arpège SAS", "Berger-Levrault", "Ciril Group", "JVS-Mairistem", "Inetum Software",
		"Agora Plus", "Logitud Solutions", "Teamnet"}
	genTitles = []string{"Inscription à la cantine scolaire", "Tarification des activités périscolaires",
		"Aide sociale facultative du CCAS", "Tarification sociale des transports en commun",
		"Stationnement résidentiel", "Bourse communale aux étudiants", "Marchés publics : candidatures simplifiées",
		"Crèches et accueil du jeune enfant", "Conservatoire : tarifs selon le quotient familial",
		"Portail famille", "Aides aux vacances des familles", "Gestion des aides d'urgence"}
	genBases = []string{"Article L114-8 du Code des relations entre le public et l'administration",
		"Code de l'éducation, article R531-52", "Code de l'action sociale et des familles, articles L.123-5 et R.123-2",
		"Code des transports, article L1231-1", "Code général des collectivités territoriales, article L2333-87",
		"Code de la commande publique, article R2143-13 ; décret n° 2019-31"}
	genFirst = []string{"Marie", "Jean", "Camille", "Nicolas", "Sophie", "Thomas", "Claire", "Julien", "Élodie", "François", "Hélène", "Benoît"}
	genLast  = []string{"Dupont", "Martin", "Bernard", "Lefèvre", "Moreau", "Garnier", "Rousseau", "Faure", "Mercier", "Chevalier", "Lemaître", "Girard"}
)

func newGenerator(seed uint64, defs []instruct.Definition) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), defs: defs}
	sentences := []string{
		"Les familles n'auront plus à fournir d'attestation de quotient familial.",
		"Le tarif est calculé automatiquement à partir des données de la CAF.",
		"Les agents du service instruisent les demandes sans pièce justificative.",
		"Les données sont consultées au moment de l'inscription puis chaque année.",
		"Seuls les agents habilités du service enfance ont accès aux données.",
		"La démarche est proposée en ligne sur le portail famille de la collectivité.",
	}
	for i := 0; i < 200; i++ {
		var b strings.Builder
		for j := 0; j < 3+g.rng.IntN(30); j++ {
			b.WriteString(sentences[g.rng.IntN(len(sentences))])
			b.WriteByte(' ')
		}
		g.descriptions = append(g.descriptions, b.String())
	}
	return g
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// organization returns a plausible organisation and its city.
func (g *generator) organization() (string, string) {
	city := g.pick(genCities)
	switch n := g.rng.IntN(10); {
	case n < 7:
		return fmt.Sprintf(g.pick(genOrgKinds), city), city
	case n < 9:
		return g.pick(genDepartments), city
	default:
		return g.pick(genVendors), city
	}
}

// siret returns a Luhn-valid SIRET.
func (g *generator) siret() string {
	digits := make([]byte, 14)
	for i := 0; i < 13; i++ {
		digits[i] = byte('0' + g.rng.IntN(10))
	}
	for c := byte('0'); c <= '9'; c++ {
		digits[13] = c
		if instruct.ValidSIRET(string(digits)) {
			break
		}
	}
	return string(digits)
}

func (g *generator) status() instruct.Status {
	switch n := g.rng.IntN(100); {
	case n < 30:
		return instruct.StatusSubmitted
	case n < 38:
		return instruct.StatusChangesRequested
	case n < 80:
		return instruct.StatusValidated
	case n < 88:
		return instruct.StatusRefused
	case n < 93:
		return instruct.StatusDraft
	case n < 96:
		return instruct.StatusRevoked
	}
	return instruct.StatusArchived
}

// item returns the feed item of request number n, with its events
// numbered from seq.
func (g *generator) item(n int64, now time.Time) instruct.FeedItem {
	def := g.defs[g.rng.IntN(len(g.defs))]
	org, city := g.organization()
	first, last := g.pick(genFirst), g.pick(genLast)
	email := strings.ToLower(fold(first)+"."+fold(last)) + "@" + strings.ToLower(strings.ReplaceAll(fold(city), " ", "-")) + ".fr"
	created := now.Add(-time.Duration(g.rng.IntN(400*24)) * time.Hour)
	r := instruct.Request{
		ID: instruct.FormatRequestID(n), Definition: def.ID, Status: g.status(), Version: 1,
		Title: g.pick(genTitles), Description: g.pick(g.descriptions),
		Organization: instruct.Organization{SIRET: g.siret(), Name: org, City: city},
		Applicant:    instruct.Person{Name: first + " " + last, Email: email},
		Contacts:     g.contacts(city),
		LegalBasis:   instruct.LegalBasis{Nature: g.pick(genBases), URL: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367" + strconv.Itoa(g.rng.IntN(900)+100)},
		Scopes:       g.scopes(def), DataRecipients: "Agents du service instructeur", RetentionMonths: 12 * (1 + g.rng.IntN(5)),
		Volumetry: "1 000 appels par jour", ProductionDate: "2027-01-15", TermsAccepted: true, DPOInformed: true,
		CreatedAt: created, UpdatedAt: created,
	}
	return instruct.FeedItem{Request: r, Events: g.history(&r)}
}

func (g *generator) contacts(city string) []instruct.Contact {
	var out []instruct.Contact
	for _, role := range []string{instruct.ContactDPO, instruct.ContactController, instruct.ContactTechnical} {
		first, last := g.pick(genFirst), g.pick(genLast)
		out = append(out, instruct.Contact{Role: role, Name: first + " " + last,
			Email: strings.ToLower(fold(first)+"."+fold(last)) + "@" + strings.ToLower(fold(city)) + ".fr",
			Phone: "01 23 45 67 89", JobTitle: "Chargé de mission"})
	}
	return out
}

func (g *generator) scopes(def instruct.Definition) []string {
	var out []string
	for _, sc := range def.Scopes {
		if g.rng.IntN(3) == 0 {
			out = append(out, sc.ID)
		}
	}
	if len(out) == 0 {
		out = append(out, def.Scopes[0].ID)
	}
	return out
}

// history returns the events that led r to its status, updating its
// version and dates.
func (g *generator) history(r *instruct.Request) []instruct.Event {
	applicant := instruct.Actor{ID: "applicant", Name: r.Applicant.Name}
	reviewer := instruct.Actor{ID: "reviewer", Name: "Instructeur DINUM"}
	at := r.CreatedAt
	evs := []instruct.Event{{RequestID: r.ID, Kind: instruct.KindCreate, Actor: applicant, At: at}}
	add := func(k instruct.Kind, a instruct.Actor, comment string) {
		at = at.Add(time.Duration(1+g.rng.IntN(20*24)) * time.Hour)
		evs = append(evs, instruct.Event{RequestID: r.ID, Kind: k, Actor: a, Comment: comment, At: at})
		r.Version++
		r.UpdatedAt = at
	}
	if r.Status != instruct.StatusDraft {
		add(instruct.KindSubmit, applicant, "")
		submitted := at
		r.SubmittedAt = &submitted
	}
	switch r.Status {
	case instruct.StatusChangesRequested:
		add(instruct.KindRequestChanges, reviewer, "Merci de préciser le cadre juridique.")
	case instruct.StatusValidated, instruct.StatusRevoked:
		add(instruct.KindApprove, reviewer, "")
		if r.Status == instruct.StatusRevoked {
			add(instruct.KindRevoke, reviewer, "Le service n'utilise plus les données.")
		}
	case instruct.StatusRefused, instruct.StatusArchived:
		add(instruct.KindRefuse, reviewer, "Le cadre juridique ne couvre pas les données demandées.")
		if r.Status == instruct.StatusArchived {
			add(instruct.KindArchive, reviewer, "")
		}
	}
	return evs
}

// items returns count feed items numbered from 1, with increasing seqs.
func (g *generator) items(count int, now time.Time) []instruct.FeedItem {
	out := make([]instruct.FeedItem, count)
	seq := int64(0)
	for i := range out {
		out[i] = g.item(int64(i+1), now)
		for j := range out[i].Events {
			seq++
			out[i].Events[j].Seq = seq
		}
		out[i].Seq = seq
	}
	return out
}

func fold(s string) string { return sortKey(s) }
