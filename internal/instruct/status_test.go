package instruct

import (
	"strings"
	"testing"
)

// TestTransitionMatrix checks every status against every event kind: the
// allowed transitions of API.md lead to their status, everything else is
// refused with invalid_transition.
func TestTransitionMatrix(t *testing.T) {
	allowed := map[Status]map[Kind]Status{
		StatusDraft: {
			KindSubmit: StatusSubmitted, KindArchive: StatusArchived, KindUpdate: StatusDraft,
			KindCancelReopening: StatusValidated, KindTransfer: StatusDraft,
		},
		StatusSubmitted: {
			KindApprove: StatusValidated, KindRefuse: StatusRefused,
			KindRequestChanges:  StatusChangesRequested,
			KindCancelReopening: StatusValidated, KindTransfer: StatusSubmitted,
		},
		StatusChangesRequested: {
			KindSubmit: StatusSubmitted, KindApprove: StatusValidated,
			KindRefuse: StatusRefused, KindUpdate: StatusChangesRequested,
			KindCancelReopening: StatusValidated, KindTransfer: StatusChangesRequested,
		},
		StatusValidated: {KindRevoke: StatusRevoked, KindReopen: StatusDraft, KindTransfer: StatusValidated},
		StatusRefused:   {KindArchive: StatusArchived, KindTransfer: StatusRefused},
		StatusRevoked:   {KindArchive: StatusArchived, KindTransfer: StatusRevoked},
		StatusArchived:  {},
	}
	for _, from := range Statuses() {
		for _, k := range Kinds() {
			got, err := Transition(from, k)
			want, ok := allowed[from][k]
			switch {
			case k.IsNote() || k.IsClaim() || k == KindTokenDelivered:
				if err != nil || got != from {
					t.Errorf("Transition(%s, %s) = %q, %v; want %q, nil", from, k, got, err, from)
				}
			case ok:
				if err != nil || got != want {
					t.Errorf("Transition(%s, %s) = %q, %v; want %q, nil", from, k, got, err, want)
				}
			default:
				if ErrorCode(err) != CodeInvalidTransition {
					t.Errorf("Transition(%s, %s) = %q, %v; want invalid_transition", from, k, got, err)
				}
			}
		}
	}
}

func TestCheckComment(t *testing.T) {
	tests := []struct {
		name    string
		kind    Kind
		comment string
		want    Code
	}{
		{"approve without comment", KindApprove, "", ""},
		{"archive without comment", KindArchive, "", ""},
		{"refuse without comment", KindRefuse, "", CodeCommentRequired},
		{"refuse with blanks only", KindRefuse, " \n\t\u00a0", CodeCommentRequired},
		{"refuse with ideographic and em spaces", KindRefuse, "\u3000\u2003\u3000", CodeCommentRequired},
		{"request changes with invisible characters", KindRequestChanges, "\u200b\ufeff\u2060\u200d", CodeCommentRequired},
		{"revoke with line separators and tabs", KindRevoke, "\u2028\t\u2029\n", CodeCommentRequired},
		{"refuse with one word among spaces", KindRefuse, "\u3000Non.\u3000", ""},
		{"request changes without comment", KindRequestChanges, "", CodeCommentRequired},
		{"revoke without comment", KindRevoke, "  ", CodeCommentRequired},
		{"note without comment", KindNote, "", CodeCommentRequired},
		{"refuse with comment", KindRefuse, "Base légale insuffisante.", ""},
		{"comment at the limit", KindApprove, strings.Repeat("é", MaxCommentLength), ""},
		{"comment over the limit", KindApprove, strings.Repeat("é", MaxCommentLength+1), CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(CheckComment(tt.kind, tt.comment)); got != tt.want {
				t.Errorf("CheckComment(%s, %.20q) code = %q, want %q", tt.kind, tt.comment, got, tt.want)
			}
		})
	}
}

func TestValidSIRET(t *testing.T) {
	tests := map[string]bool{
		"21690123100011": true,  // Ville de Lyon
		"21690123100012": false, // wrong check digit
		"2169012370001":  false,
		"2169012370001a": false,
		"35600000000010": true, // La Poste's own rule
	}
	for siret, want := range tests {
		if got := ValidSIRET(siret); got != want {
			t.Errorf("ValidSIRET(%q) = %v, want %v", siret, got, want)
		}
	}
}
