package i18n

import (
	"strconv"
	"strings"
)

// DocumentWords are the words of the documents an applicant attached: how
// the legal-basis pane describes them and their text, finding within the
// text, and opening the file. Messages.Documents returns them in the
// catalogue's language.
type DocumentWords struct {
	// Size writes a number of bytes as a reader counts them (47 KB,
	// 1.2 MB; in French Ko and Mo).
	Size func(bytes int64) string
	// Pages counts the pages of a PDF.
	Pages func(n int) string
	// PDF and Image name a document's type ("PNG image").
	PDF   string
	Image func(format string) string
	// Cited marks the document the legal basis cites.
	Cited string
	// Loading says the text is on its way; NotFetched that it is not in
	// the cache and the review must be opened (Enter) to fetch it.
	Loading    string
	NotFetched string
	// NoTextImage, NoText and TextFailed say why a document shows no
	// text: an image, a file without text (a scan), a failed extraction.
	NoTextImage string
	NoText      string
	TextFailed  string
	// Offline says the text could not be fetched because the server is
	// out of reach; FetchFailed that the server refused or failed, with
	// the reason in the reader's words.
	Offline     string
	FetchFailed func(reason string) string
	// Cut says the text shown is the beginning of a longer one.
	Cut string
	// Find is the prompt of the find field; Matches says which match is
	// shown of how many; NoMatch that there is none; ManyMatches that
	// only the first n are counted.
	Find        string
	Matches     func(i, n int) string
	NoMatch     string
	ManyMatches func(n int) string
	// FindHint lists the keys of a find while it is typed; Close is
	// what esc does to it.
	FindHint string
	Close    string
	// NoDocument says the request has no attached document.
	NoDocument func(id string) string
	// Opening says the file is being downloaded and opened; Opened that
	// the system's viewer has it; OpenFailed why it did not open.
	Opening    func(name string) string
	Opened     func(name string) string
	OpenFailed func(reason string) string
	// NoViewer says no program opens files on this computer.
	NoViewer string
	// NotHereText says a screen cannot fetch texts (the reason of
	// FetchFailed).
	NotHereText string
	// NotHere says why the file cannot be opened in an SSH session, and
	// what to do instead.
	NotHere func(id string) string
	// KeyOpen, KeyFind, KeyNext and KeyPrev are the help of o, / in the
	// review, ctrl+n and ctrl+p.
	KeyOpen, KeyFind, KeyNext, KeyPrev string
}

// Documents returns the document words of the catalogue's language.
func (m Messages) Documents() DocumentWords {
	if m.Lang == "fr" {
		return frenchDocuments()
	}
	return englishDocuments()
}

// size writes n bytes in units of 1,000 (as file managers do), with the
// unit names given and the decimal mark of the language.
func size(n int64, units [4]string, comma bool) string {
	if n < 1000 {
		return strconv.FormatInt(n, 10) + " " + units[0]
	}
	v, unit := float64(n)/1000, 1
	for v >= 1000 && unit < len(units)-1 {
		v, unit = v/1000, unit+1
	}
	s := strconv.FormatFloat(v, 'f', 0, 64)
	if v < 10 {
		s = strconv.FormatFloat(v, 'f', 1, 64)
	}
	if comma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + units[unit]
}

func englishDocuments() DocumentWords {
	return DocumentWords{
		Size: func(n int64) string { return size(n, [4]string{"bytes", "KB", "MB", "GB"}, false) },
		Pages: func(n int) string {
			if n == 1 {
				return "1 page"
			}
			return strconv.Itoa(n) + " pages"
		},
		PDF:         "PDF",
		Image:       func(format string) string { return format + " image" },
		Cited:       "cited",
		Loading:     "Loading the text…",
		NotFetched:  "Text not read yet: open the request (Enter) to fetch it.",
		NoTextImage: "no text: image",
		NoText:      "This file holds no text (a scan?): open it with o.",
		TextFailed:  "The text of this file could not be extracted: open it with o.",
		Offline:     "Offline: the text is not in the cache yet; it is fetched once the server is reachable (r).",
		FetchFailed: func(reason string) string { return "The text could not be fetched: " + reason },
		Cut:         "[…] the text goes on: open the file (o) to read the rest.",
		Find:        "Find in the document: ",
		Matches:     func(i, n int) string { return strconv.Itoa(i) + " of " + strconv.Itoa(n) },
		NoMatch:     "no match",
		ManyMatches: func(n int) string { return "over " + strconv.Itoa(n) + " matches" },
		FindHint:    "enter/↓ next · ↑ previous · esc close",
		Close:       "close",
		NoDocument:  func(id string) string { return id + " has no attached document." },
		Opening:     func(name string) string { return "Opening " + name + "…" },
		Opened:      func(name string) string { return name + " is open in your viewer." },
		OpenFailed:  func(reason string) string { return "The file could not be opened: " + reason },
		NoViewer:    "no program opens files on this computer (xdg-open or open)",
		NotHereText: "this screen does not fetch documents' texts",
		NotHere: func(id string) string {
			return "Over SSH the file would open on the server, not on your computer: read its text in pane 2, or save it with instruct doc " + id + " --out FILE."
		},
		KeyOpen: "open the document",
		KeyFind: "find in the document",
		KeyNext: "next match",
		KeyPrev: "previous match",
	}
}

func frenchDocuments() DocumentWords {
	return DocumentWords{
		Size: func(n int64) string { return size(n, [4]string{"octets", "Ko", "Mo", "Go"}, true) },
		Pages: func(n int) string {
			if n <= 1 {
				return strconv.Itoa(n) + " page"
			}
			return strconv.Itoa(n) + " pages"
		},
		PDF:         "PDF",
		Image:       func(format string) string { return "image " + format },
		Cited:       "cité",
		Loading:     "Chargement du texte…",
		NotFetched:  "Texte pas encore lu : ouvrez la demande (Entrée) pour le récupérer.",
		NoTextImage: "pas de texte : image",
		NoText:      "Ce fichier ne contient pas de texte (un scan ?) : ouvrez-le avec o.",
		TextFailed:  "Le texte de ce fichier n’a pas pu être extrait : ouvrez-le avec o.",
		Offline:     "Hors ligne : le texte n’est pas encore dans le cache ; il sera récupéré quand le serveur sera joignable (r).",
		FetchFailed: func(reason string) string { return "Le texte n’a pas pu être récupéré : " + reason },
		Cut:         "[…] le texte continue : ouvrez le fichier (o) pour lire la suite.",
		Find:        "Chercher dans le document : ",
		Matches:     func(i, n int) string { return strconv.Itoa(i) + " sur " + strconv.Itoa(n) },
		NoMatch:     "aucune occurrence",
		ManyMatches: func(n int) string { return "plus de " + strconv.Itoa(n) + " occurrences" },
		FindHint:    "entrée/↓ suivante · ↑ précédente · échap fermer",
		Close:       "fermer",
		NoDocument:  func(id string) string { return id + " n’a pas de document joint." },
		Opening:     func(name string) string { return "Ouverture de " + name + "…" },
		Opened:      func(name string) string { return name + " est ouvert dans votre visionneuse." },
		OpenFailed:  func(reason string) string { return "Le fichier n’a pas pu être ouvert : " + reason },
		NoViewer:    "aucun programme n’ouvre de fichiers sur cet ordinateur (xdg-open ou open)",
		NotHereText: "cet écran ne récupère pas le texte des documents",
		NotHere: func(id string) string {
			return "Par SSH, le fichier s’ouvrirait sur le serveur et non sur votre ordinateur : lisez son texte dans le volet 2, ou enregistrez-le avec instruct doc " + id + " --out FICHIER."
		},
		KeyOpen: "ouvrir le document",
		KeyFind: "chercher dans le document",
		KeyNext: "occurrence suivante",
		KeyPrev: "occurrence précédente",
	}
}
