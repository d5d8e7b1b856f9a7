package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// person is someone an organisation names on its requests: the same
// person, with the same e-mail and phone, in every request.
type person struct {
	id     string // the actor ID of an applicant
	name   string
	email  string
	phone  string
	female bool // for the grammatical gender of job titles
}

// Slots of an organisation's people: person number key*slots+slot.
const (
	slots           = 8
	slotDPO         = 0
	slotController  = 1
	slotTechnical   = 2
	slotApplicant   = 3 // the first of applicantSlots applicants
	applicantSlots  = 3
	applicantPrefix = "applicant-"
)

// names holds the first and last names people are drawn from.
type names struct {
	women, men, last []string
}

func newNames() names {
	return names{
		women: strings.Fields(`Marie Nathalie Isabelle Sylvie Catherine Françoise Sandrine Céline Valérie
			Aurélie Émilie Camille Claire Hélène Sophie Laure Élodie Delphine Agnès Caroline Florence
			Karine Anne-Sophie Marie-Claire Gwenaëlle Maëlle Nadia Samira Léa Chloé Inès Manon Juliette`),
		men: strings.Fields(`Jean Pierre Philippe Michel Laurent Christophe Stéphane Nicolas Julien
			Sébastien Thomas Mathieu Antoine Olivier Frédéric Guillaume Romain Vincent Benoît Damien
			Fabrice Jérôme Jean-Marc Yannick Loïc Karim Mehdi Hugo Lucas Maxime Bastien`),
		// Split on commas: some names have a space.
		last: strings.Split("Martin,Bernard,Dubois,Thomas,Robert,Richard,Petit,Durand,Leroy,Moreau,"+
			"Simon,Laurent,Lefebvre,Michel,Garcia,David,Bertrand,Roux,Vincent,Fournier,Morel,Girard,"+
			"André,Lefèvre,Mercier,Dupont,Lambert,Bonnet,François,Martinez,Legrand,Garnier,Faure,"+
			"Rousseau,Blanc,Guérin,Muller,Henry,Roussel,Nicolas,Perrin,Morin,Mathieu,Clément,Gauthier,"+
			"Dumont,Lopez,Fontaine,Chevalier,Robin,Masson,Sanchez,Gérard,Nguyen,Boyer,Denis,Lemaire,"+
			"Duval,Joly,Gautier,Roger,Roche,Roy,Noël,Meyer,Lucas,Meunier,Perez,Marchand,Dufour,"+
			"Blanchard,Barbier,Brun,Dumas,Brunet,Schmitt,Leroux,Colin,Fernandez,Le Gall,"+
			"Kerbrat,Le Goff,Tanguy,Morvan,Benali,Haddad,Ferreira,Da Silva,Rossi", ","),
	}
}

// people returns the people of organisation o, by slot: person number
// o.key*slots+slot, with an e-mail at o's domain (the DPO of some
// communes is shared by the département's centre de gestion).
func (g *Generator) people(o organization) []person {
	out := make([]person, slots)
	for slot := range out {
		n := o.key*slots + slot
		r := rand.New(rand.NewPCG(g.seed^streamPerson, uint64(n)))
		female := r.IntN(2) == 0
		first := pick(r, g.names.men...)
		if female {
			first = pick(r, g.names.women...)
		}
		last := pick(r, g.names.last...)
		local := slugify(first)
		if r.IntN(5) == 0 {
			local = local[:1]
		}
		domain := o.domain
		if slot == slotDPO && sharedDPO(o) {
			domain = "cdg" + o.department + ".fr"
		}
		out[slot] = person{
			id:     fmt.Sprintf("%s%d", applicantPrefix, n),
			name:   first + " " + last,
			email:  local + "." + slugify(last) + "@" + domain,
			phone:  phone(r, o.zone),
			female: female,
		}
	}
	return out
}

// sharedDPO reports whether o's DPO is shared with other communes.
func sharedDPO(o organization) bool {
	return (o.kind == kindCommune || o.kind == kindCCAS) && o.key%3 == 0
}

// phone returns a French number in international format: a landline of
// zone (1 to 5) or, one time in four, a mobile.
func phone(r *rand.Rand, zone byte) string {
	lead := string(zone)
	if r.IntN(4) == 0 {
		lead = pick(r, "6", "7")
	}
	return fmt.Sprintf("+33 %s %02d %02d %02d %02d", lead, 10+r.IntN(90), r.IntN(100), r.IntN(100), r.IntN(100))
}

// applicant returns the actor and person of applicant k of organisation o.
func applicant(o organization, k int) (instruct.Actor, instruct.Person) {
	p := o.people[slotApplicant+k]
	return instruct.Actor{ID: p.id, Name: p.name}, instruct.Person{Name: p.name, Email: p.email}
}

// contacts returns the three contacts of a request by organisation o,
// the controller with one of titles (or a title of o's kind); the
// technical contact works for vendor when one is given.
func contacts(o organization, vendor *organization, titles []string, r *rand.Rand) []instruct.Contact {
	dpo := contact(instruct.ContactDPO, o, slotDPO, dpoTitle(o, r))
	if len(titles) == 0 {
		titles = controllerTitles(o.kind)
	}
	controller := contact(instruct.ContactController, o, slotController, pick(r, titles...))
	technical := contact(instruct.ContactTechnical, o, slotTechnical, pick(r, technicalTitles()...))
	if vendor != nil {
		technical = contact(instruct.ContactTechnical, *vendor, slotTechnical, pick(r, "Chef de projet intégration", "Responsable support collectivités", "Ingénieur d'intégration"))
	}
	return []instruct.Contact{dpo, controller, technical}
}

// contact returns the person of o's slot as a contact with a role.
func contact(role string, o organization, slot int, title string) instruct.Contact {
	p := o.people[slot]
	return instruct.Contact{Role: role, Name: p.name, Email: p.email, Phone: p.phone, JobTitle: gendered(title, p.female)}
}

// gendered returns a job title, written in the masculine, in the gender
// of the person who holds it.
func gendered(title string, female bool) string {
	if !female {
		return title
	}
	for _, f := range [...][2]string{
		{"Directeur général adjoint", "Directrice générale adjointe"}, {"Directeur général", "Directrice générale"},
		{"Directeur", "Directrice"}, {"Sous-directeur", "Sous-directrice"}, {"Délégué", "Déléguée"},
		{"Chef ", "Cheffe "}, {"Administrateur", "Administratrice"}, {"Ingénieur", "Ingénieure"},
		{"Développeur", "Développeuse"},
	} {
		if rest, ok := strings.CutPrefix(title, f[0]); ok {
			return f[1] + rest
		}
	}
	return title
}

func dpoTitle(o organization, r *rand.Rand) string {
	if sharedDPO(o) {
		return "Délégué à la protection des données, centre de gestion"
	}
	switch o.kind {
	case kindMinistry:
		return "Délégué ministériel à la protection des données"
	case kindHospital:
		return "Délégué à la protection des données du GHT"
	}
	return pick(r, "Délégué à la protection des données", "DPO")
}

func controllerTitles(k orgKind) []string {
	switch k {
	case kindCommune:
		return []string{"Directeur général des services", "Directeur de l'éducation et de l'enfance", "Responsable du guichet unique famille", "Directeur général adjoint, pôle services à la population"}
	case kindCCAS:
		return []string{"Directeur du CCAS", "Directeur de l'action sociale", "Responsable du service des aides facultatives"}
	case kindEPCI:
		return []string{"Directeur des mobilités", "Directeur général des services", "Responsable de la tarification solidaire"}
	case kindDepartement:
		return []string{"Directeur de l'action sociale et de l'insertion", "Directeur de l'éducation et des collèges", "Directeur général adjoint, solidarités"}
	case kindRegion:
		return []string{"Directeur des lycées", "Directeur du développement économique", "Responsable des transports scolaires"}
	case kindMinistry:
		return []string{"Sous-directeur des systèmes d'information", "Chef du bureau des achats", "Chef du bureau des usagers"}
	case kindHospital:
		return []string{"Directeur des admissions et de la facturation", "Directeur des finances"}
	case kindMutual:
		return []string{"Directeur des prestations", "Responsable du tiers payant"}
	}
	return []string{"Directeur général", "Directeur des opérations", "Responsable produit"}
}

func technicalTitles() []string {
	return []string{"Responsable du système d'information", "Chef de projet numérique", "Administrateur systèmes et réseaux",
		"Développeur", "Ingénieur d'intégration", "Directeur des systèmes d'information"}
}
