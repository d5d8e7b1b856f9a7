package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// orgKind is the kind of organisation that files a request.
type orgKind int

// The kinds of organisations, each with its own names, SIREN prefix and
// contacts.
const (
	kindCommune orgKind = iota
	kindCCAS
	kindEPCI
	kindDepartement
	kindRegion
	kindMinistry
	kindHospital
	kindVendor
	kindMutual
	kindCount
)

// city is a French commune: its name, its département ("de la Gironde"),
// the département's number, the first digit of its landline numbers, and
// whether it is the département's prefecture.
type city struct {
	name       string
	department string
	number     string
	zone       byte
	prefecture bool
}

// defaultCities returns the communes demo organisations are in.
func defaultCities() []city {
	return []city{
		{"Lyon", "du Rhône", "69", '4', true}, {"Brest", "du Finistère", "29", '2', false},
		{"Nantes", "de la Loire-Atlantique", "44", '2', true}, {"Rennes", "d'Ille-et-Vilaine", "35", '2', true},
		{"Bordeaux", "de la Gironde", "33", '5', true}, {"Toulouse", "de la Haute-Garonne", "31", '5', true},
		{"Marseille", "des Bouches-du-Rhône", "13", '4', true}, {"Lille", "du Nord", "59", '3', true},
		{"Strasbourg", "du Bas-Rhin", "67", '3', true}, {"Montpellier", "de l'Hérault", "34", '4', true},
		{"Nice", "des Alpes-Maritimes", "06", '4', true}, {"Grenoble", "de l'Isère", "38", '4', true},
		{"Dijon", "de la Côte-d'Or", "21", '3', true}, {"Besançon", "du Doubs", "25", '3', true},
		{"Metz", "de la Moselle", "57", '3', true}, {"Nancy", "de Meurthe-et-Moselle", "54", '3', true},
		{"Reims", "de la Marne", "51", '3', false}, {"Amiens", "de la Somme", "80", '3', true},
		{"Rouen", "de la Seine-Maritime", "76", '2', true}, {"Caen", "du Calvados", "14", '2', true},
		{"Le Havre", "de la Seine-Maritime", "76", '2', false}, {"Tours", "d'Indre-et-Loire", "37", '2', true},
		{"Orléans", "du Loiret", "45", '2', true}, {"Angers", "de Maine-et-Loire", "49", '2', true},
		{"Le Mans", "de la Sarthe", "72", '2', true}, {"Poitiers", "de la Vienne", "86", '5', true},
		{"Limoges", "de la Haute-Vienne", "87", '5', true}, {"La Rochelle", "de la Charente-Maritime", "17", '5', true},
		{"Pau", "des Pyrénées-Atlantiques", "64", '5', true}, {"Bayonne", "des Pyrénées-Atlantiques", "64", '5', false},
		{"Perpignan", "des Pyrénées-Orientales", "66", '4', true}, {"Nîmes", "du Gard", "30", '4', true},
		{"Avignon", "de Vaucluse", "84", '4', true}, {"Toulon", "du Var", "83", '4', true},
		{"Clermont-Ferrand", "du Puy-de-Dôme", "63", '4', true}, {"Saint-Étienne", "de la Loire", "42", '4', true},
		{"Annecy", "de la Haute-Savoie", "74", '4', true}, {"Chambéry", "de la Savoie", "73", '4', true},
		{"Valence", "de la Drôme", "26", '4', true}, {"Quimper", "du Finistère", "29", '2', true},
		{"Lorient", "du Morbihan", "56", '2', false}, {"Vannes", "du Morbihan", "56", '2', true},
		{"Saint-Brieuc", "des Côtes-d'Armor", "22", '2', true}, {"Saint-Malo", "d'Ille-et-Vilaine", "35", '2', false},
		{"Laval", "de la Mayenne", "53", '2', true}, {"Cholet", "de Maine-et-Loire", "49", '2', false},
		{"Niort", "des Deux-Sèvres", "79", '5', true}, {"Angoulême", "de la Charente", "16", '5', true},
		{"Agen", "de Lot-et-Garonne", "47", '5', true}, {"Montauban", "de Tarn-et-Garonne", "82", '5', true},
		{"Albi", "du Tarn", "81", '5', true}, {"Rodez", "de l'Aveyron", "12", '5', true},
		{"Colmar", "du Haut-Rhin", "68", '3', true}, {"Mulhouse", "du Haut-Rhin", "68", '3', false},
		{"Troyes", "de l'Aube", "10", '3', true}, {"Calais", "du Pas-de-Calais", "62", '3', false},
		{"Arras", "du Pas-de-Calais", "62", '3', true}, {"Beauvais", "de l'Oise", "60", '3', true},
		{"Versailles", "des Yvelines", "78", '1', true}, {"Montreuil", "de la Seine-Saint-Denis", "93", '1', false},
		{"Saint-Denis", "de la Seine-Saint-Denis", "93", '1', false}, {"Créteil", "du Val-de-Marne", "94", '1', true},
		{"Nanterre", "des Hauts-de-Seine", "92", '1', true}, {"Boulogne-Billancourt", "des Hauts-de-Seine", "92", '1', false},
		{"Évry-Courcouronnes", "de l'Essonne", "91", '1', true}, {"Cergy", "du Val-d'Oise", "95", '1', true},
		{"Meaux", "de Seine-et-Marne", "77", '1', false}, {"Bourges", "du Cher", "18", '2', true},
		{"Chartres", "d'Eure-et-Loir", "28", '2', true}, {"Blois", "de Loir-et-Cher", "41", '2', true},
		{"Auxerre", "de l'Yonne", "89", '3', true}, {"Gap", "des Hautes-Alpes", "05", '4', true},
	}
}

// named is an organisation known by a fixed name: a region, a ministry,
// a software vendor, a mutual insurer.
type named struct {
	name   string
	city   string
	number string // the département of its seat
	domain string
	zone   byte
}

// defaultRegions returns the French regions.
func defaultRegions() []named {
	return []named{
		{"Région Bretagne", "Rennes", "35", "bretagne.bzh", '2'},
		{"Région Grand Est", "Strasbourg", "67", "grandest.fr", '3'},
		{"Région Occitanie", "Toulouse", "31", "laregion.fr", '5'},
		{"Région Nouvelle-Aquitaine", "Bordeaux", "33", "nouvelle-aquitaine.fr", '5'},
		{"Région Auvergne-Rhône-Alpes", "Lyon", "69", "auvergnerhonealpes.fr", '4'},
		{"Région Hauts-de-France", "Lille", "59", "hautsdefrance.fr", '3'},
		{"Région Normandie", "Rouen", "76", "normandie.fr", '2'},
		{"Région Pays de la Loire", "Nantes", "44", "paysdelaloire.fr", '2'},
		{"Région Centre-Val de Loire", "Orléans", "45", "centre-valdeloire.fr", '2'},
		{"Région Bourgogne-Franche-Comté", "Dijon", "21", "bourgognefranchecomte.fr", '3'},
		{"Région Sud Provence-Alpes-Côte d'Azur", "Marseille", "13", "maregionsud.fr", '4'},
		{"Région Île-de-France", "Saint-Ouen-sur-Seine", "93", "iledefrance.fr", '1'},
	}
}

// defaultMinistries returns State administrations and operators.
func defaultMinistries() []named {
	return []named{
		{"Ministère de l'Intérieur", "Paris", "75", "interieur.gouv.fr", '1'},
		{"Ministère de l'Éducation nationale", "Paris", "75", "education.gouv.fr", '1'},
		{"Ministère de la Culture", "Paris", "75", "culture.gouv.fr", '1'},
		{"Ministère des Armées", "Paris", "75", "intradef.gouv.fr", '1'},
		{"Ministère de la Justice", "Paris", "75", "justice.gouv.fr", '1'},
		{"Ministère du Travail et de l'Emploi", "Paris", "75", "travail.gouv.fr", '1'},
		{"Ministère de l'Agriculture et de la Souveraineté alimentaire", "Paris", "75", "agriculture.gouv.fr", '1'},
		{"Ministère de la Transition écologique", "La Défense", "92", "developpement-durable.gouv.fr", '1'},
		{"Ministère de l'Économie et des Finances", "Paris", "75", "finances.gouv.fr", '1'},
		{"Agence de services et de paiement", "Limoges", "87", "asp.gouv.fr", '5'},
		{"Agence nationale de l'habitat", "Paris", "75", "anah.gouv.fr", '1'},
	}
}

// defaultVendors returns invented software publishers for local authorities.
func defaultVendors() []named {
	return []named{
		{"Civitas Logiciels", "Nantes", "44", "civitas-logiciels.fr", '2'},
		{"Territoria Numérique", "Lyon", "69", "territoria-numerique.fr", '4'},
		{"Publisoft Collectivités", "Rennes", "35", "publisoft.fr", '2'},
		{"Familéo", "Bordeaux", "33", "famileo.fr", '5'},
		{"Kidéo Enfance", "Grenoble", "38", "kideo-enfance.fr", '4'},
		{"Mobiticket", "Toulouse", "31", "mobiticket.fr", '5'},
		{"Stationéo", "Nice", "06", "stationeo.fr", '4'},
		{"Marchés Connect", "Lille", "59", "marches-connect.fr", '3'},
		{"Subventia", "Montpellier", "34", "subventia.fr", '4'},
		{"Santélia Connect", "Marseille", "13", "santelia.fr", '4'},
		{"Atrium Services Publics", "Strasbourg", "67", "atrium-sp.fr", '3'},
		{"Solidéo Action Sociale", "Dijon", "21", "solideo.fr", '3'},
	}
}

// defaultMutuals returns invented mutual health insurers.
func defaultMutuals() []named {
	return []named{
		{"Mutuelle Armorique Santé", "Brest", "29", "armorique-sante.fr", '2'},
		{"Mutuelle du Val de Loire", "Tours", "37", "mutuelle-valdeloire.fr", '2'},
		{"Prévoyance Rhône-Alpes Mutuelle", "Lyon", "69", "pra-mutuelle.fr", '4'},
		{"Mutuelle des Pays de l'Adour", "Pau", "64", "mutuelle-adour.fr", '5'},
	}
}

// organization is an organisation as requests name it. Key identifies it
// among all demo organisations: the same key gives the same SIRET, name
// and contacts in every request.
type organization struct {
	key        int
	kind       orgKind
	name       string
	city       string
	department string // number of the seat's département
	siret      string
	domain     string
	zone       byte
	people     []person // by slot
}

// Organization returns the organisation the request shows.
func (o organization) Organization() instruct.Organization {
	return instruct.Organization{SIRET: o.siret, Name: o.name, City: o.city}
}

// places holds the tables organisations are drawn from. It is built once
// per Generator and never changes.
type places struct {
	cities      []city
	prefectures []int // indexes of the cities that are prefectures
	byKind      map[orgKind][]named
}

func newPlaces() *places {
	p := &places{
		cities: defaultCities(),
		byKind: map[orgKind][]named{
			kindRegion:   defaultRegions(),
			kindMinistry: defaultMinistries(),
			kindVendor:   defaultVendors(),
			kindMutual:   defaultMutuals(),
		},
	}
	for i, c := range p.cities {
		if c.prefecture {
			p.prefectures = append(p.prefectures, i)
		}
	}
	return p
}

// count returns how many organisations of kind k exist.
func (p *places) count(k orgKind) int {
	if list, ok := p.byKind[k]; ok {
		return len(list)
	}
	if k == kindDepartement {
		return len(p.prefectures)
	}
	return len(p.cities)
}

// organization returns organisation number idx of kind k, the same for a
// given seed, kind and idx.
func (p *places) organization(seed uint64, k orgKind, idx int) organization {
	key := int(k)*1000 + idx
	r := rand.New(rand.NewPCG(seed^streamOrganization, uint64(key)))
	o, department := p.describe(k, idx, r)
	o.key, o.kind, o.department = key, k, department
	o.siret = siret(r, sirenPrefix(k, department))
	return o
}

// describe returns organisation idx of kind k and the département of its
// seat.
func (p *places) describe(k orgKind, idx int, r *rand.Rand) (organization, string) {
	if list, ok := p.byKind[k]; ok {
		n := list[idx]
		return organization{name: n.name, city: n.city, domain: n.domain, zone: n.zone}, n.number
	}
	if k == kindDepartement {
		c := p.cities[p.prefectures[idx]]
		return organization{name: "Département " + c.department, city: c.name,
			domain: slugify(departmentName(c.department)) + ".fr", zone: c.zone}, c.number
	}
	c := p.cities[idx]
	return p.local(k, c, r), c.number
}

// departmentName strips the article of "de la Gironde".
func departmentName(s string) string {
	for _, article := range []string{"de la ", "de l'", "d'", "du ", "des ", "de "} {
		if rest, ok := strings.CutPrefix(s, article); ok {
			return rest
		}
	}
	return s
}

// local names an organisation of a commune.
func (p *places) local(k orgKind, c city, r *rand.Rand) organization {
	slug := slugify(c.name)
	o := organization{city: c.name, zone: c.zone}
	switch k {
	case kindCCAS:
		o.name, o.domain = pick(r, "CCAS ", "Centre communal d'action sociale ")+of(c.name), "ccas-"+slug+".fr"
	case kindEPCI:
		o.name, o.domain = c.name+pick(r, " Métropole", " Agglomération"), slug+"-agglo.fr"
	case kindHospital:
		o.name, o.domain = pick(r, "Centre hospitalier ", "Centre hospitalier universitaire ")+of(c.name), "ch-"+slug+".fr"
	default:
		prefix := pick(r, "Ville", "Mairie", "Commune")
		o.name, o.domain = prefix+" "+of(c.name), strings.ToLower(prefix)+"-"+slug+".fr"
	}
	return o
}

// of returns "de" and a commune's name as French writes it: "de Lyon",
// "d'Angers", "du Havre".
func of(name string) string {
	if rest, ok := strings.CutPrefix(name, "Le "); ok {
		return "du " + rest
	}
	for _, vowel := range []string{"A", "E", "É", "I", "Î", "O", "U", "Y"} {
		if strings.HasPrefix(name, vowel) {
			return "d'" + name
		}
	}
	return "de " + name
}

// article returns the definite article an organisation's name takes in
// a sentence, or "" for names that take none ("Lyon Métropole").
func article(name string) string {
	first, _, _ := strings.Cut(name, " ")
	switch first {
	case "Ville", "Mairie", "Commune", "Région", "Mutuelle":
		return "la "
	case "Département", "Ministère", "CCAS", "Centre":
		return "le "
	case "Agence":
		return "l'"
	}
	return ""
}

// subject returns an organisation's name to start a sentence with: "La
// Ville de Lyon", "Le Département du Nord".
func subject(name string) string {
	a := article(name)
	if a == "" {
		return name
	}
	return strings.ToUpper(a[:1]) + a[1:] + name
}

// ofOrg returns "de" and an organisation's name: "de la Ville de Lyon",
// "du CCAS de Brest", "de Lyon Métropole".
func ofOrg(name string) string {
	switch article(name) {
	case "la ":
		return "de la " + name
	case "le ":
		return "du " + name
	case "l'":
		return "de l'" + name
	}
	return of(name)
}

// sirenPrefix returns the first digits of an organisation's SIREN: its
// legal category (21 communes, 22 départements, 23 régions, 24 EPCI, 26
// local public bodies, 11 the State) followed by its département.
func sirenPrefix(k orgKind, department string) string {
	switch k {
	case kindCommune:
		return "21" + department
	case kindCCAS, kindHospital:
		return "26" + department
	case kindEPCI:
		return "24" + department
	case kindDepartement:
		return "22" + department + "0001"
	case kindRegion:
		return "23" + department + "0001"
	case kindMinistry:
		return "110"
	case kindMutual:
		return "77"
	}
	return ""
}

// siret returns a Luhn-valid SIRET: a SIREN of prefix and random digits
// with its check digit, then a NIC whose last digit makes the whole valid.
func siret(r *rand.Rand, prefix string) string {
	siren := prefix
	if siren == "" {
		siren = strconv.Itoa(4 + r.IntN(5)) // companies: 4xx to 8xx
	}
	for len(siren) < 8 {
		siren += strconv.Itoa(r.IntN(10))
	}
	siren = withCheckDigit(siren)
	nic := "000" + strconv.Itoa(1+r.IntN(9))
	if r.IntN(4) == 0 {
		nic = "00" + strconv.Itoa(10+r.IntN(90))
	}
	return withCheckDigit(siren + nic)
}

// withCheckDigit appends the digit that makes digits pass the Luhn check.
func withCheckDigit(digits string) string {
	for d := range 10 {
		candidate := digits + strconv.Itoa(d)
		if luhn(candidate) {
			return candidate
		}
	}
	return digits + "0" // unreachable: one of ten digits always fits
}

// luhn reports whether the digits of s pass the Luhn check.
func luhn(s string) bool {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// slugify turns a French name into a lower-case ASCII slug for domains
// and e-mail addresses.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		switch a := ascii(c); {
		case a != "":
			b.WriteString(a)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// ascii returns the ASCII letters of a lower-case letter or digit of a
// French name, or "" for anything else.
func ascii(c rune) string {
	switch c {
	case 'à', 'â', 'ä':
		return "a"
	case 'ç':
		return "c"
	case 'é', 'è', 'ê', 'ë':
		return "e"
	case 'î', 'ï':
		return "i"
	case 'ô', 'ö':
		return "o"
	case 'ù', 'û', 'ü':
		return "u"
	case 'ÿ':
		return "y"
	case 'œ':
		return "oe"
	}
	if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
		return string(c)
	}
	return ""
}

// pick returns one of options at random.
func pick(r *rand.Rand, options ...string) string {
	return options[r.IntN(len(options))]
}
