package replica

import (
	"context"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestTransferLeavesTheFormerApplicantsCache: once a reviewer transfers
// a request to another user, the next sync of the former applicant's
// cache drops it (the server expires their cursor and they pull again
// from the start) and the new applicant's brings it.
func TestTransferLeavesTheFormerApplicantsCache(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	camille, camilleToken := w.user("camille.martin@lyon.fr")
	yanis, yanisToken := w.user("yanis.robert@lyon.fr")
	_, jeanneToken := w.reviewer("jeanne@dinum.gouv.fr")
	if err := w.Ledger().Import(ctx, []instruct.History{submittedHistory(0, testCatalogue()[0].ID, camille)}); err != nil {
		t.Fatal(err)
	}
	id := w.lastIDs(1)[0]
	former := newReplica(t, w.URL(), camilleToken, fastClient(), Options{})
	heir := newReplica(t, w.URL(), yanisToken, fastClient(), Options{})
	former.sync(t)
	heir.sync(t)
	if !former.cachedIDs(t)[id] || heir.cachedIDs(t)[id] {
		t.Fatalf("before the transfer: Camille caches %s %v, Yanis %v; want only Camille", id, former.cachedIDs(t)[id], heir.cachedIDs(t)[id])
	}
	r, _, err := w.Ledger().Request(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	jeanne := newReplica(t, w.URL(), jeanneToken, fastClient(), Options{})
	if _, err := jeanne.client.Transfer(ctx, "transfer-1", id, r.Version, api.TransferInput{To: yanis.Email, Comment: "Départ de l'agent."}); err != nil {
		t.Fatalf("Transfer() = %v", err)
	}
	former.sync(t)
	heir.sync(t)
	if former.cachedIDs(t)[id] {
		t.Errorf("after the transfer, Camille's cache still lists %s", id)
	}
	if _, err := former.cache.Request(ctx, id); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("Camille's cached Request(%s) = %v, want not_found", id, err)
	}
	if !heir.cachedIDs(t)[id] {
		t.Errorf("after the transfer, Yanis's cache lacks %s", id)
	}
}
