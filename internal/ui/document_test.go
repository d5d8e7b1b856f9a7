package ui

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// deliberationText is the text the server extracted from the PDF.
const deliberationText = "RÉPUBLIQUE FRANÇAISE\nCommune de Lyon\n\nExtrait du registre des délibérations du conseil municipal\n" +
	"Séance du 12 janvier 2026\n\nDélibération n° 2026-061 : tarification de la restauration scolaire\n\n" +
	"Le conseil municipal,\nVu le code général des collectivités territoriales, notamment son article L. 2121-29 ;\n" +
	"Vu le code des relations entre le public et l’administration, notamment ses articles L. 114-8 et suivants ;\n" +
	"Considérant que la commune fixe le tarif de la cantine selon le quotient familial des familles,\n\f" +
	"DÉLIBÈRE\nArticle 1er : la commune recourt à l’API Particulier pour obtenir le quotient familial.\n" +
	"Article 2 : les données sont conservées douze mois.\nLe maire, certifié exécutoire."

// docFixture is a cache holding one submitted request whose legal basis
// is an attached PDF, beside an image, and a server that serves the PDF's
// text by the documents' contract.
type docFixture struct {
	st      *store.Store
	id      instruct.RequestID
	pdf     instruct.Document
	text    string
	fetches atomic.Int32
	srv     *httptest.Server
}

func newDocFixture(t *testing.T, text string) *docFixture {
	t.Helper()
	f := &docFixture{st: openStore(t, 0), id: 4242, text: text}
	f.pdf = instruct.Document{ID: "doc_7f3a", Name: "Délibération n° 2026-061.pdf", ContentType: instruct.ContentTypePDF,
		Size: 48213, SHA256: strings.Repeat("ab", 32), Pages: 3, Text: instruct.DocumentTextAvailable, CreatedAt: testNow}
	png := instruct.Document{ID: "doc_9c1e", Name: "plan-cantine.png", ContentType: instruct.ContentTypePNG,
		Size: 1234567, SHA256: strings.Repeat("cd", 32), Text: instruct.DocumentTextNone, CreatedAt: testNow}
	submitted := testNow.AddDate(0, 0, -3)
	r := instruct.Request{ID: f.id, Definition: "api_particulier", Status: instruct.StatusSubmitted, Version: 2,
		Title: "Tarification de la cantine", Organization: instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Applicant:  instruct.Person{Name: "Camille Martin", Email: "camille.martin@mairie-lyon.fr"},
		LegalBasis: instruct.LegalBasis{Nature: "Délibération du conseil municipal du 12 janvier 2026.", Document: &f.pdf.ID},
		Documents:  []instruct.Document{png, f.pdf}, Scopes: []string{"cnaf_quotient_familial"}, RetentionMonths: 12,
		CreatedAt: submitted, SubmittedAt: &submitted, UpdatedAt: submitted}
	events := []instruct.Event{{Seq: 1, RequestID: f.id, Kind: instruct.KindCreate, At: submitted},
		{Seq: 2, RequestID: f.id, Kind: instruct.KindSubmit, At: submitted}}
	if err := f.st.ApplyPage(context.Background(), []instruct.FeedItem{{Seq: 2, Request: r, Events: events}}, "2"); err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/documents/"+f.pdf.ID+"/text" {
			http.NotFound(w, r)
			return
		}
		f.fetches.Add(1)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, f.text)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// documents returns the screen's documents: the cache, and the server
// through the real client (offline once the server is closed).
func (f *docFixture) documents() cacheAndServer {
	return cacheAndServer{st: f.st, api: client.New(f.srv.URL, "t", client.Options{MaxRetries: -1})}
}

// cacheAndServer reads texts from the cache, else from the server, and
// keeps them, as cmd/instruct wires the screen.
type cacheAndServer struct {
	st  *store.Store
	api *client.Client
}

func (c cacheAndServer) CachedText(ctx context.Context, id instruct.RequestID, doc instruct.Document) (instruct.DocumentContent, bool, error) {
	return c.st.DocumentText(ctx, id, doc)
}

func (c cacheAndServer) FetchText(ctx context.Context, id instruct.RequestID, doc instruct.Document) (instruct.DocumentContent, error) {
	t, err := c.api.DocumentText(ctx, doc.ID)
	if err == nil {
		err = c.st.SaveDocumentText(ctx, id, doc, t)
	}
	return t, err
}

// open shows the fixture's request on a screen of w×h in lang and opens it
// (Enter): the review has the keys.
func (f *docFixture) open(t *testing.T, lang string, w, h int, opts Options) *driver {
	t.Helper()
	opts.Cache, opts.Lang = f.st, lang
	if opts.Documents == nil {
		opts.Documents = f.documents()
	}
	d := newDriver(t, opts, w, h)
	d.selectRequest(f.id)
	d.keys("enter")
	return d
}

// paneText returns the legal pane's lines joined, without their padding.
func paneText(d *driver) string {
	var lines []string
	for _, l := range d.m.review.PaneLines(2 - 1) {
		lines = append(lines, strings.TrimSpace(l))
	}
	return strings.Join(lines, "\n")
}

func TestDocumentTextShowsUnderTheLegalBasis(t *testing.T) {
	f := newDocFixture(t, deliberationText)
	d := f.open(t, "fr", 200, 50, Options{})
	pane := strings.Join(strings.Fields(paneText(d)), " ")
	for _, want := range []string{
		"Délibération du conseil municipal du 12 janvier 2026.",
		"Délibération n° 2026-061.pdf · cité",
		"PDF · 3 pages · 48 Ko",
		"plan-cantine.png", "image PNG · 1,2 Mo · pas de texte : image",
		"Extrait du registre des délibérations",
		"DÉLIBÈRE",
	} {
		if !strings.Contains(pane, want) {
			t.Errorf("the legal pane lacks %q:\n%s", want, pane)
		}
	}
	if strings.Index(pane, "Délibération n° 2026-061.pdf") > strings.Index(pane, "plan-cantine.png") {
		t.Errorf("the cited document is not first:\n%s", pane)
	}
	if strings.Contains(d.screen(), "\f") || strings.Contains(pane, "^L") {
		t.Error("the page break reached the screen")
	}
}

// Once read, a document's text comes from the cache: with the server gone
// the screen shows it all the same, and asks the server nothing.
func TestDocumentTextReadsOfflineOnceFetched(t *testing.T) {
	f := newDocFixture(t, deliberationText)
	f.open(t, "fr", 200, 50, Options{})
	if f.fetches.Load() != 1 {
		t.Fatalf("the server was asked %d times, want once", f.fetches.Load())
	}
	f.srv.Close()
	d := f.open(t, "en", 200, 50, Options{})
	if pane := paneText(d); !strings.Contains(pane, "DÉLIBÈRE") {
		t.Errorf("offline, the legal pane lacks the cached text:\n%s", pane)
	}
	if f.fetches.Load() != 1 {
		t.Errorf("the server was asked again (%d)", f.fetches.Load())
	}
}

func TestDocumentTextOfflineSaysSoInEachLanguage(t *testing.T) {
	for _, tt := range []struct{ lang, want string }{
		{"fr", "Hors ligne : le texte n’est pas encore dans le cache"},
		{"en", "Offline: the text is not in the cache yet"},
	} {
		f := newDocFixture(t, deliberationText)
		f.srv.Close()
		d := f.open(t, tt.lang, 200, 50, Options{})
		if pane := strings.Join(strings.Fields(paneText(d)), " "); !strings.Contains(pane, tt.want) {
			t.Errorf("%s: the legal pane lacks %q:\n%s", tt.lang, tt.want, pane)
		}
	}
}

// Browsing the queue fetches nothing: the text is fetched when the reviewer
// opens the request.
func TestDocumentTextIsFetchedWhenTheRequestIsOpened(t *testing.T) {
	f := newDocFixture(t, deliberationText)
	d := newDriver(t, Options{Cache: f.st, Lang: "en", Documents: f.documents()}, 200, 50)
	d.selectRequest(f.id)
	if f.fetches.Load() != 0 || !strings.Contains(strings.Join(strings.Fields(paneText(d)), " "), "open the request (Enter)") {
		t.Fatalf("before Enter: %d fetches, pane:\n%s", f.fetches.Load(), paneText(d))
	}
	d.keys("enter")
	if f.fetches.Load() != 1 || !strings.Contains(paneText(d), "DÉLIBÈRE") {
		t.Errorf("after Enter: %d fetches, pane:\n%s", f.fetches.Load(), paneText(d))
	}
}

func TestDocumentTextIsSanitised(t *testing.T) {
	f := newDocFixture(t, "Vu\x1b]52;c;cm0gLXJmIH4K\x07 le code\u202e général\x1b[2J")
	d := f.open(t, "fr", 200, 50, Options{})
	screen := d.screen()
	if strings.ContainsAny(screen, "\x07\u202e") || strings.Count(screen, "\x1b") > 0 {
		t.Errorf("the document's escapes reached the terminal: %q", screen)
	}
	if pane := strings.Join(strings.Fields(paneText(d)), " "); !strings.Contains(pane, "Vu^[]52;c;cm0gLXJmIH4K^G le code\\u202e général^[[2J") {
		t.Errorf("the escapes are not shown visibly:\n%s", paneText(d))
	}
}

func TestFindInDocumentMarksAndMovesBetweenMatches(t *testing.T) {
	long := strings.Repeat("Considérant l’intérêt public local.\n", 60) + deliberationText
	f := newDocFixture(t, long)
	d := f.open(t, "fr", 200, 30, Options{})
	d.keys("2", "/")
	d.typeText("delibere") // no accent, lower case: finds DÉLIBÈRE
	if line := footerOf(d); !strings.Contains(line, "Chercher dans le document : delibere") || !strings.Contains(line, "1 sur 1") {
		t.Errorf("footer while typing = %q", line)
	}
	if !markedLine(d, "▶ ", "DÉLIBÈRE") {
		t.Errorf("the match is not on screen, marked ▶:\n%s", d.screen())
	}
	d.keys("backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	d.typeText("conseil municipal")
	d.keys("enter")
	// The find starts from the top of the pane, which shows DÉLIBÈRE: the
	// second match, the only one below it.
	if line := footerOf(d); !strings.Contains(line, "/conseil municipal  2 sur 2") || !markedLine(d, "▶ ", "Le conseil municipal,") {
		t.Errorf("after enter: footer %q, screen:\n%s", line, d.screen())
	}
	d.keys("ctrl+n")
	if line := footerOf(d); !strings.Contains(line, "1 sur 2") || !markedLine(d, "▶ ", "conseil municipal") {
		t.Errorf("ctrl+n after the last match: footer %q, want back to the first; screen:\n%s", line, d.screen())
	}
	d.keys("ctrl+p")
	if line := footerOf(d); !strings.Contains(line, "2 sur 2") {
		t.Errorf("ctrl+p: footer %q, want the second match", line)
	}
	d.keys("esc")
	if strings.Contains(footerOf(d), "conseil") || markedLine(d, "▶ ", "Le conseil") || markedLine(d, "› ", "conseil") {
		t.Errorf("esc left the find open: footer %q", footerOf(d))
	}
	if d.m.focus != focusReview {
		t.Error("the esc that closed the find also left the review")
	}
}

// A match across the end of a line is found and marked on both lines.
func TestFindInDocumentAcrossLines(t *testing.T) {
	f := newDocFixture(t, deliberationText)
	d := f.open(t, "en", 80, 40, Options{}) // one pane at a time: long lines wrap
	d.keys("2", "/")
	d.typeText("relations entre le public et l'administration")
	if line := footerOf(d); !strings.Contains(line, "1 of 1") {
		t.Errorf("footer = %q, want one match", line)
	}
}

// footerOf returns the screen's last line, trimmed.
func footerOf(d *driver) string {
	lines := strings.Split(d.screen(), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// markedLine reports whether the screen shows a line holding text marked
// with mark in the legal pane's margin.
func markedLine(d *driver, mark, text string) bool {
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.Contains(l, mark+text) {
			return true
		}
	}
	return false
}

func TestOpenDocumentOverSSHSaysWhyNot(t *testing.T) {
	f := newDocFixture(t, deliberationText)
	for _, tt := range []struct{ lang, want string }{
		{"fr", "Par SSH, le fichier s’ouvrirait sur le serveur"},
		{"en", "Over SSH the file would open on the server"},
	} {
		d := f.open(t, tt.lang, 200, 50, Options{})
		d.keys("o")
		if line := footerOf(d); !strings.Contains(line, tt.want) {
			t.Errorf("%s: o over SSH says %q, want %q", tt.lang, line, tt.want)
		}
	}
}

func TestOpenDocumentOpensTheCitedFile(t *testing.T) {
	f := newDocFixture(t, deliberationText)
	var opened []string
	open := func(_ context.Context, id instruct.RequestID, doc instruct.Document) error {
		opened = append(opened, id.String()+" "+doc.ID)
		return nil
	}
	d := f.open(t, "en", 200, 50, Options{OpenDocument: open})
	d.keys("o")
	if len(opened) != 1 || opened[0] != "D4242 doc_7f3a" {
		t.Errorf("o opened %v, want the cited PDF of D4242", opened)
	}
	if line := footerOf(d); !strings.Contains(line, "Délibération n° 2026-061.pdf is open in your viewer.") {
		t.Errorf("footer = %q", line)
	}
	failing := func(context.Context, instruct.RequestID, instruct.Document) error { return ErrNoViewer }
	d = f.open(t, "fr", 200, 50, Options{OpenDocument: failing})
	d.keys("o")
	if line := footerOf(d); !strings.Contains(line, "aucun programme n’ouvre de fichiers") {
		t.Errorf("footer = %q", line)
	}
}

func TestDocumentGolden(t *testing.T) {
	f := newDocFixture(t, deliberationText)
	for _, lang := range []string{"fr", "en"} {
		d := f.open(t, lang, 120, 40, Options{})
		d.keys("2", "/")
		d.typeText("quotient")
		d.keys("enter")
		got := d.screen()
		checkFrame(t, got, 120, 40)
		golden(t, "document-"+lang+"-120x40", got)
	}
}
