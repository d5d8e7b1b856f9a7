package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/pdftext"
	"github.com/instruct-dev/instruct/internal/pdfwrite"
)

// attachDocument turns the document a history's legal basis names into
// a document of the request: a PDF written from the request (a
// deliberation, or an agreement for organisations without an assembly),
// attached to it, which legal_basis.document then names by its ID. Event
// diffs that bring the document name it the same way, with a documents
// diff, and so do the habilitations approvals froze. The PDF depends only on the request, so DocumentFiles writes the
// same bytes again.
func (g *Generator) attachDocument(h *instruct.History) {
	lb := h.Request.LegalBasis
	if lb.Document == nil {
		return
	}
	name := *lb.Document
	pages := g.documentPages(h.Request, name)
	doc := documentOf(h.Request, name, pdfwrite.Bytes(pages), len(pages))
	h.Request.Documents = []instruct.Document{doc}
	h.Request.LegalBasis.Document = &doc.ID
	for i := range h.Events {
		nameDocument(h.Events[i].Diff, name, doc)
	}
	for i := range h.Habilitations {
		if lb := &h.Habilitations[i].LegalBasis; lb.Document != nil && *lb.Document == name {
			lb.Document = &doc.ID
		}
	}
}

// nameDocument replaces the document name by the document's ID in the
// legal basis of diff d, and adds a documents diff where it came or went.
func nameDocument(d instruct.Diff, name string, doc instruct.Document) {
	pair, ok := d["legal_basis"]
	if !ok {
		return
	}
	had := [2]bool{}
	for side, v := range pair {
		lb, ok := v.(instruct.LegalBasis)
		if !ok || lb.Document == nil || *lb.Document != name {
			continue
		}
		lb.Document, had[side] = &doc.ID, true
		pair[side] = lb
	}
	d["legal_basis"] = pair
	none, one := []instruct.Document{}, []instruct.Document{doc}
	switch {
	case !had[0] && had[1]:
		d["documents"] = [2]any{none, one}
	case had[0] && !had[1]:
		d["documents"] = [2]any{one, none}
	}
}

// documentOf returns the metadata of the PDF data of pages named name on r: its
// ID is drawn from the request and the name, not from the random
// stream, so that the rest of the demo stays as it was.
func documentOf(r instruct.Request, name string, data []byte, pages int) instruct.Document {
	sum := sha256.Sum256(data)
	id := sha256.Sum256([]byte(r.ID.String() + "\x00" + name))
	return instruct.Document{ID: "F" + hex.EncodeToString(id[:8]), Name: name, ContentType: instruct.ContentTypePDF,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Pages: pages,
		Text: instruct.DocumentTextAvailable, CreatedAt: r.CreatedAt}
}

// DocumentFiles returns the files of the documents h's request holds,
// with their bytes and the text the server's extractor reads from them,
// for the server to store with the history.
func (g *Generator) DocumentFiles(h instruct.History) []instruct.DocumentFile {
	var files []instruct.DocumentFile
	for _, doc := range h.Request.Documents {
		data := pdfwrite.Bytes(g.documentPages(h.Request, doc.Name))
		files = append(files, instruct.DocumentFile{RequestID: h.Request.ID, Document: doc,
			Bytes: data, Text: pdftext.Extract(data, pdftext.DefaultLimits()).Text})
	}
	return files
}

// documentPages lays out the document named name of request r.
func (g *Generator) documentPages(r instruct.Request, name string) [][]string {
	api := r.Definition
	if d, ok := g.catalogue[api]; ok && d.Name != "" {
		api = d.Name
	}
	title := strings.TrimSuffix(name, ".pdf")
	if strings.HasPrefix(title, "Délibération") {
		return pdfwrite.Layout(deliberation(r, api, title))
	}
	return pdfwrite.Layout(agreement(r, api, title))
}

// frenchDate writes t as "12 mars 2026".
func frenchDate(t time.Time) string {
	months := [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
		"septembre", "octobre", "novembre", "décembre"}
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, months[t.Month()-1], t.Year())
}

// sitting is the day of the deliberation: three weeks before the request.
func sitting(r instruct.Request) time.Time { return r.CreatedAt.AddDate(0, 0, -21) }

// deliberation writes the extract of the register of deliberations
// titled title that entitles r.
func deliberation(r instruct.Request, api, title string) []string {
	org := r.Organization
	body := assemblyOf(title)
	paras := []string{
		"RÉPUBLIQUE FRANÇAISE",
		strings.ToUpper(org.Name) + " — SIRET " + org.SIRET,
		"EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS",
		title,
		fmt.Sprintf("Séance du %s. L'an %d, le %s, le %s de %s, régulièrement convoqué, s'est réuni en séance publique sous la présidence de son président, le quorum étant atteint.",
			frenchDate(sitting(r)), sitting(r).Year(), frenchDate(sitting(r)), body, org.Name),
		"Objet : " + r.Title,
		"Vu le code général des collectivités territoriales ;",
		"Vu le règlement (UE) 2016/679 du Parlement européen et du Conseil du 27 avril 2016 relatif à la protection des personnes physiques à l'égard du traitement des données à caractère personnel (RGPD) ;",
		"Vu le code des relations entre le public et l'administration, notamment ses articles L. 114-8 et suivants ;",
		"Vu " + strings.TrimSuffix(firstLine(r.LegalBasis.Nature), ".") + " ;",
		"Considérant ce qui suit : " + r.Description,
		"Après en avoir délibéré, à l'unanimité des membres présents et représentés, DÉCIDE :",
	}
	return append(paras, articles(r, api)...)
}

// articles are the decisions of a deliberation or the clauses of an
// agreement: the data, their retention, their recipients.
func articles(r instruct.Request, api string) []string {
	return []string{
		"Article 1 — D'autoriser " + r.Organization.Name + " à demander l'accès à " + api +
			" pour les données suivantes : " + strings.Join(r.Scopes, ", ") + ".",
		fmt.Sprintf("Article 2 — Les données obtenues sont conservées %d mois au plus, puis détruites.", r.RetentionMonths),
		"Article 3 — Seuls en sont destinataires : " + r.DataRecipients,
		"Article 4 — Le délégué à la protection des données est informé du traitement, inscrit au registre des activités de traitement.",
		"Fait et délibéré les jour, mois et an susdits. Pour extrait certifié conforme, " + r.Organization.City + ", le " + frenchDate(sitting(r).AddDate(0, 0, 2)) + ".",
	}
}

// agreement writes the agreement titled title between r's organisation
// and the API's provider.
func agreement(r instruct.Request, api, title string) []string {
	org := r.Organization
	paras := []string{
		"CONVENTION D'ACCÈS AUX DONNÉES",
		title,
		"Entre " + org.Name + ", SIRET " + org.SIRET + ", dont le siège est à " + org.City + ", ci-après « le bénéficiaire »,",
		"Et le fournisseur de " + api + ", ci-après « le fournisseur »,",
		"Objet : " + r.Title,
		"Vu " + strings.TrimSuffix(firstLine(r.LegalBasis.Nature), ".") + " ;",
		"Préambule : " + r.Description,
		"Il est convenu ce qui suit.",
	}
	paras = append(paras, articles(r, api)[:4]...)
	return append(paras, "Fait à "+org.City+", le "+frenchDate(sitting(r))+", en deux exemplaires originaux.")
}

// assemblyOf returns the assembly a deliberation's title names
// ("Délibération n° 2026-061 du conseil municipal – …" → "conseil
// municipal").
func assemblyOf(title string) string {
	_, rest, _ := strings.Cut(title, "n° ")
	_, rest, _ = strings.Cut(rest, " ")
	rest, _, _ = strings.Cut(rest, " – ")
	for _, article := range []string{"du ", "de la ", "de l'"} {
		if after, ok := strings.CutPrefix(rest, article); ok {
			return after
		}
	}
	return rest
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}
