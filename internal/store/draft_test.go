package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestDraftSurvivesReopening keeps a draft, closes the cache as a quit or
// a crash would, and finds it again; a newer draft replaces it, a blank
// one or DeleteDraft forgets it.
func TestDraftSurvivesReopening(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	const comment = "Le cadre juridique cité\nne couvre pas les données fiscales."
	if err := s.SaveDraft(ctx, 1042, instruct.KindRefuse, comment); err != nil {
		t.Fatalf("SaveDraft() = %v", err)
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open() again = %v", err)
	}
	defer s.Close()
	d, ok, err := s.Draft(ctx, 1042)
	if err != nil || !ok || d.RequestID != 1042 || d.Kind != instruct.KindRefuse || d.Comment != comment || d.SavedAt.IsZero() {
		t.Fatalf("Draft(1042) after reopening = %+v, %v, %v; want the refusal's comment", d, ok, err)
	}
	if err := s.SaveDraft(ctx, 1042, instruct.KindNote, "Voir avec le DPD."); err != nil {
		t.Fatalf("SaveDraft() = %v", err)
	}
	if d, _, _ := s.Draft(ctx, 1042); d.Kind != instruct.KindNote || d.Comment != "Voir avec le DPD." {
		t.Errorf("Draft(D1042) = %+v, want the newer note", d)
	}
	if _, ok, _ := s.Draft(ctx, 1043); ok {
		t.Errorf("Draft(D1043) found a draft never written")
	}
	if err := s.SaveDraft(ctx, 1042, instruct.KindNote, " \n\t"); err != nil {
		t.Fatalf("SaveDraft(blank) = %v", err)
	}
	if _, ok, _ := s.Draft(ctx, 1042); ok {
		t.Errorf("a blank draft was kept")
	}
	if err := s.SaveDraft(ctx, 1044, instruct.KindApprove, "ok"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDraft(ctx, 1044); err != nil {
		t.Fatalf("DeleteDraft() = %v", err)
	}
	if _, ok, _ := s.Draft(ctx, 1044); ok {
		t.Errorf("DeleteDraft left the draft")
	}
}

func TestDraftRefusesTooLong(t *testing.T) {
	s := openTemp(t)
	long := strings.Repeat("é", instruct.MaxCommentLength+1)
	if err := s.SaveDraft(context.Background(), 1042, instruct.KindRefuse, long); instruct.ErrorCode(err) != instruct.CodeTooLarge {
		t.Errorf("SaveDraft(%d characters) = %v, want too_large", instruct.MaxCommentLength+1, err)
	}
}
