package demo

import (
	"fmt"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// defect is what a reviewer asks an applicant to change.
type defect int

const (
	defectRetention     defect = iota // over 36 months, no justification
	defectJustification               // over 36 months, justification missing
	defectScopes                      // scopes the use case does not need
	defectLegalURL                    // no link to the legal basis
	defectLegalDocument               // no deliberation attached
	defectDPO                         // the DPO is the controller
	defectDescription                 // a description too short to judge
)

// chooseDefects picks n different defects the good content can have. The
// two legal-basis defects change the same field, so they never go
// together.
func (s *story) chooseDefects(good instruct.RequestPatch, n int) []defect {
	if n == 0 {
		return nil
	}
	candidates := s.applicable(good)
	var out []defect
	for _, i := range s.r.Perm(len(candidates)) {
		d := candidates[i]
		if (d == defectLegalURL && containsDefect(out, defectLegalDocument)) || (d == defectLegalDocument && containsDefect(out, defectLegalURL)) {
			continue
		}
		out = append(out, d)
		if len(out) == n {
			break
		}
	}
	return out
}

// applicable returns the defects the good content can be degraded by.
func (s *story) applicable(good instruct.RequestPatch) []defect {
	out := []defect{defectDPO, defectDescription}
	switch {
	case *good.RetentionMonths <= 36:
		out = append(out, defectRetention)
	case good.RetentionJustification != nil:
		out = append(out, defectJustification)
	}
	if len(s.excess(*good.Scopes)) > 0 {
		out = append(out, defectScopes)
	}
	if good.LegalBasis.URL != "" {
		out = append(out, defectLegalURL)
	}
	if good.LegalBasis.Document != nil {
		out = append(out, defectLegalDocument)
	}
	return out
}

// excess returns the scopes an applicant could ask for without need.
func (s *story) excess(scopes []string) []string {
	var out []string
	for _, id := range s.uc.excess {
		if !contains(scopes, id) {
			out = append(out, id)
		}
	}
	return out
}

// degrade changes p as an applicant who made mistake d would have filled
// it. It replaces the values p points to, never changes them.
func (s *story) degrade(p *instruct.RequestPatch, d defect) {
	switch d {
	case defectRetention:
		months := []int{48, 60, 72}[s.r.IntN(3)]
		p.RetentionMonths, p.RetentionJustification = &months, nil
	case defectJustification:
		p.RetentionJustification = nil
	case defectScopes:
		extra := s.excess(*p.Scopes)
		scopes := append(slicesClone(*p.Scopes), extra[:1+s.r.IntN(min(2, len(extra)))]...)
		p.Scopes = &scopes
	case defectLegalURL:
		lb := *p.LegalBasis
		lb.URL = ""
		p.LegalBasis = &lb
	case defectLegalDocument:
		lb := *p.LegalBasis
		lb.Document = nil
		p.LegalBasis = &lb
	case defectDPO:
		contacts := append([]instruct.Contact(nil), *p.Contacts...)
		controller := contacts[1]
		controller.Role = instruct.ContactDPO
		contacts[0] = controller
		p.Contacts = &contacts
	case defectDescription:
		terse := pick(s.r, "Récupération des données pour la démarche.", "Simplification de la démarche pour les usagers.", *p.Title+".")
		p.Description = &terse
	}
}

// fix returns the edit that corrects defect d, back to the good content.
func (s *story) fix(d defect, good instruct.RequestPatch) *instruct.RequestPatch {
	switch d {
	case defectRetention:
		return &instruct.RequestPatch{RetentionMonths: good.RetentionMonths}
	case defectJustification:
		return &instruct.RequestPatch{RetentionJustification: good.RetentionJustification}
	case defectScopes:
		return &instruct.RequestPatch{Scopes: good.Scopes}
	case defectLegalURL, defectLegalDocument:
		return &instruct.RequestPatch{LegalBasis: good.LegalBasis}
	case defectDPO:
		return &instruct.RequestPatch{Contacts: good.Contacts}
	}
	return &instruct.RequestPatch{Description: good.Description}
}

// complaint is the reviewer's request for changes about defect d of the
// request as it stands.
func (s *story) complaint(d defect, current instruct.RequestPatch) string {
	switch d {
	case defectRetention:
		return fmt.Sprintf("La durée de conservation déclarée (%d mois) dépasse 36 mois sans justification. Merci de la ramener au temps nécessaire à la démarche, ou de justifier une conservation plus longue.", *current.RetentionMonths)
	case defectJustification:
		return fmt.Sprintf("Vous déclarez une conservation de %d mois : au-delà de 36 mois, une justification est requise (obligation légale, délai de recours, contrôle). Merci de la compléter ou de réduire la durée.", *current.RetentionMonths)
	case defectScopes:
		return fmt.Sprintf("Les données suivantes ne paraissent pas nécessaires à la démarche décrite : %s. Merci de les retirer ou d'expliquer l'usage qui en est fait.", s.labels(s.excessIn(*current.Scopes)))
	case defectLegalURL:
		return "Le cadre juridique cité n'est accompagné d'aucun lien. Merci d'ajouter le lien Légifrance du texte qui fonde la démarche, afin que nous puissions en vérifier la portée."
	case defectLegalDocument:
		return "Merci de joindre la délibération de votre assemblée qui crée le dispositif et en fixe les conditions : la référence au texte général ne suffit pas à établir le besoin de ces données."
	case defectDPO:
		return "Le délégué à la protection des données indiqué est aussi le responsable de traitement. Merci de désigner le DPO de votre organisation (ou le DPO mutualisé dont elle relève) et de confirmer qu'il a été informé de la demande."
	}
	return "La description du service est trop succincte pour apprécier la nécessité des données. Merci de décrire le parcours de l'usager, les agents destinataires et l'usage fait de chaque donnée."
}

// excessIn returns the scopes of ids that are among the use case's
// unneeded ones.
func (s *story) excessIn(ids []string) []string {
	var out []string
	for _, id := range ids {
		if contains(s.uc.excess, id) {
			out = append(out, id)
		}
	}
	return out
}

// labels quotes the catalogue labels of scopes, or their IDs.
func (s *story) labels(ids []string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		label := id
		if sc, ok := s.def.Scope(id); ok {
			label = sc.Label
		}
		quoted[i] = "« " + label + " »"
	}
	return strings.Join(quoted, ", ")
}

// comment returns the comment of a reviewer's step.
func (s *story) comment(st *step, current instruct.RequestPatch) string {
	t := s.g.texts
	switch st.purpose {
	case purposeRequestChanges:
		return s.letter(s.complaint(s.defects[st.round], current))
	case purposeAcknowledge:
		return t.acknowledgements[s.r.IntN(len(t.acknowledgements))]
	case purposeRemind:
		return t.reminders[s.r.IntN(len(t.reminders))]
	case purposeNote:
		return t.notes[s.r.IntN(len(t.notes))]
	case purposeApprove:
		return s.approval()
	case purposeRefuse:
		return s.letter(s.templateOr(instruct.KindRefuse, t.refusals))
	case purposeRevoke:
		return t.revocations[s.r.IntN(len(t.revocations))]
	case purposeArchive:
		return s.archiveNote()
	}
	return ""
}

// approval returns an approval's comment: often none, else a template of
// the definition or a short sentence.
func (s *story) approval() string {
	switch n := s.r.IntN(10); {
	case n < 4:
		return ""
	case n < 7:
		return s.templateOr(instruct.KindApprove, s.g.texts.shortApprovals)
	}
	return s.g.texts.shortApprovals[s.r.IntN(len(s.g.texts.shortApprovals))]
}

// templateOr returns the body of one of the definition's templates of
// kind k, as reviewers insert them, or one of fallback.
func (s *story) templateOr(k instruct.Kind, fallback []string) string {
	if ts := s.def.TemplatesFor(k); len(ts) > 0 && s.chance(80) {
		return ts[s.r.IntN(len(ts))].Body
	}
	return fallback[s.r.IntN(len(fallback))]
}

// letter sometimes frames a comment as a letter signed by the reviewer.
func (s *story) letter(body string) string {
	if !s.chance(50) {
		return body
	}
	closing := s.g.texts.closings[s.r.IntN(len(s.g.texts.closings))]
	return "Bonjour,\n\n" + body + "\n\n" + closing + "\n" + s.reviewer.Name
}

// archiveNote explains an archiving by the status it ends.
func (s *story) archiveNote() string {
	for i := len(s.steps) - 1; i >= 0; i-- {
		switch s.steps[i].kind {
		case instruct.KindRefuse:
			return "Demande refusée, archivée après expiration du délai de recours."
		case instruct.KindRevoke:
			return "Habilitation révoquée : dossier archivé."
		}
	}
	return "Brouillon sans activité depuis plusieurs mois : demande archivée."
}

func containsDefect(ds []defect, d defect) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}
