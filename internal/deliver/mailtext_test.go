package deliver

import (
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestRenderMail(t *testing.T) {
	r := instruct.Request{ID: 1042, Title: "Cantine\r\nBcc: pirate@example.com\x1b[31m", Organization: instruct.Organization{Name: "Ville de Lyon"}}
	e := func(k instruct.Kind) instruct.Event {
		return instruct.Event{RequestID: 1042, Kind: k, Comment: "Merci de préciser.\nCordialement.", At: time.Now()}
	}
	tests := []struct {
		name    string
		role    instruct.MailRole
		kind    instruct.Kind
		subject string
		comment bool
	}{
		{"submit to instructors", instruct.MailInstructor, instruct.KindSubmit, "[D1042] Nouvelle demande à instruire : Cantine Bcc: pirate@example.com[31m", false},
		{"applicant's message to instructors", instruct.MailInstructor, instruct.KindMessage, "[D1042] Nouveau message du demandeur", true},
		{"approval", instruct.MailApplicant, instruct.KindApprove, "[D1042] Votre demande d'habilitation est validée", true},
		{"refusal", instruct.MailApplicant, instruct.KindRefuse, "[D1042] Votre demande d'habilitation est refusée", true},
		{"changes", instruct.MailApplicant, instruct.KindRequestChanges, "[D1042] Des modifications sont demandées", true},
		{"revocation", instruct.MailApplicant, instruct.KindRevoke, "[D1042] Votre habilitation est révoquée", true},
		{"reviewer's message", instruct.MailApplicant, instruct.KindMessage, "[D1042] Nouveau message de l'instructeur", true},
		{"transfer, new applicant", instruct.MailApplicant, instruct.KindTransfer, "[D1042] Une demande d'habilitation vous est transférée", true},
		{"transfer, former applicant", instruct.MailFormerApplicant, instruct.KindTransfer, "[D1042] Votre demande d'habilitation est transférée", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := renderMail(tc.role, e(tc.kind), r, "API Particulier")
			if err != nil {
				t.Fatal(err)
			}
			if m.subject != tc.subject {
				t.Errorf("subject = %q, want %q", m.subject, tc.subject)
			}
			if strings.Contains(m.body, "Merci de préciser.\nCordialement.") != tc.comment {
				t.Errorf("body carries the comment: %v, want %v:\n%s", !tc.comment, tc.comment, m.body)
			}
			if strings.ContainsAny(m.subject+m.body, "\r\x1b") {
				t.Errorf("control characters reached the mail: %q", m.subject+m.body)
			}
		})
	}
	if _, err := renderMail(instruct.MailApplicant, e(instruct.KindNote), r, "API Particulier"); err == nil {
		t.Error("an internal note was made a mail")
	}
}
