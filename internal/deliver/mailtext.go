package deliver

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// mailText is the subject and the body of a mail, in French.
type mailText struct {
	subject string
	body    string
}

// applicantLines are, by event kind, the subject and the first sentence
// of the mails to the applicant.
var applicantLines = map[instruct.Kind][2]string{
	instruct.KindApprove:        {"Votre demande d'habilitation est validée", "Votre demande d'habilitation %s a été validée. Le fournisseur de l'API vous transmettra vos accès."},
	instruct.KindRefuse:         {"Votre demande d'habilitation est refusée", "Votre demande d'habilitation %s a été refusée."},
	instruct.KindRequestChanges: {"Des modifications sont demandées", "L'instructeur demande des modifications à votre demande d'habilitation %s avant de pouvoir l'instruire."},
	instruct.KindRevoke:         {"Votre habilitation est révoquée", "L'habilitation issue de votre demande %s a été révoquée."},
	instruct.KindMessage:        {"Nouveau message de l'instructeur", "L'instructeur vous a écrit au sujet de votre demande d'habilitation %s."},
	instruct.KindTransfer:       {"Une demande d'habilitation vous est transférée", "Vous êtes désormais le demandeur de la demande d'habilitation %s."},
}

// renderMail returns the mail of event e of request r, the definition
// being named defName, to a recipient in role.
func renderMail(role instruct.MailRole, e instruct.Event, r instruct.Request, defName string) (mailText, error) {
	about := describe(r, defName)
	switch {
	case role == instruct.MailInstructor && e.Kind == instruct.KindSubmit:
		return compose(r, "Nouvelle demande à instruire : "+oneLine(r.Title, 80),
			fmt.Sprintf("Une demande d'habilitation %s vient d'être déposée.", about), "", ""), nil
	case role == instruct.MailInstructor && e.Kind == instruct.KindMessage:
		return compose(r, "Nouveau message du demandeur",
			fmt.Sprintf("Le demandeur a écrit au sujet de la demande d'habilitation %s.", about), "Son message :", e.Comment), nil
	case role == instruct.MailFormerApplicant && e.Kind == instruct.KindTransfer:
		return compose(r, "Votre demande d'habilitation est transférée",
			fmt.Sprintf("La demande d'habilitation %s a été transférée à un autre demandeur : vous n'en êtes plus le titulaire.", about),
			"Commentaire de l'instructeur :", e.Comment), nil
	case role == instruct.MailApplicant:
		lines, ok := applicantLines[e.Kind]
		if ok {
			label := "Commentaire de l'instructeur :"
			if e.Kind == instruct.KindMessage {
				label = "Son message :"
			}
			return compose(r, lines[0], fmt.Sprintf(lines[1], about), label, e.Comment), nil
		}
	}
	return mailText{}, fmt.Errorf("no mail to the %s of a %s event", role, e.Kind)
}

// describe names request r in a sentence: its ID, title, API and
// organisation.
func describe(r instruct.Request, defName string) string {
	return fmt.Sprintf("%s « %s » (%s) pour %s", r.ID, oneLine(r.Title, 200), oneLine(defName, 100),
		oneLine(r.Organization.Name, 200))
}

// compose returns a mail about r: the subject after its ID, a greeting,
// the sentence, then the comment under its label when there is one.
func compose(r instruct.Request, subject, sentence, label, comment string) mailText {
	var b strings.Builder
	b.WriteString("Bonjour,\n\n")
	b.WriteString(sentence + "\n")
	if c := plainText(comment); strings.TrimSpace(c) != "" {
		b.WriteString("\n" + label + "\n\n" + c + "\n")
	}
	b.WriteString("\n-- \ninstruct · message envoyé automatiquement, merci de ne pas y répondre.\n")
	return mailText{subject: fmt.Sprintf("[%s] %s", r.ID, subject), body: b.String()}
}

// oneLine returns s on one line of at most n characters, without control
// characters: what a subject or a sentence may hold of a text an
// applicant wrote.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(plainText(s)), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// plainText returns s without control characters but line breaks and
// tabs, valid UTF-8.
func plainText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	return strings.Map(func(c rune) rune {
		if c == '\n' || c == '\t' || !(unicode.IsControl(c) || unicode.Is(unicode.Cf, c)) {
			return c
		}
		return -1
	}, s)
}
