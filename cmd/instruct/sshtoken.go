package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

// sshTokensDir is the directory, inside ssh-serve's data directory, that
// keeps the API token of each SSH user, one file per user named like the
// user's cache.
const sshTokensDir = "tokens"

// maxTokenFile bounds how much of a token file is read: a real one holds
// a few dozen bytes.
const maxTokenFile = 512

// sshTokens hands out the API token each SSH user's sync engine sends to
// the loopback API: the one kept in the user's token file while the
// ledger still accepts it as that user's, else a new one, written there
// for the next start. A token is never logged.
type sshTokens struct {
	ledger *ledger.Ledger
	dir    string
	log    *slog.Logger

	mu sync.Mutex
	// inUse is the token last handed out per user ID, so that a token
	// that could not be written is still reused until ssh-serve stops.
	inUse map[string]string
}

// newSSHTokens returns the tokens kept in the tokens directory of dataDir.
func newSSHTokens(l *ledger.Ledger, dataDir string, log *slog.Logger) *sshTokens {
	return &sshTokens{ledger: l, dir: filepath.Join(dataDir, sshTokensDir), log: log, inUse: map[string]string{}}
}

// path is the token file of user id.
func (t *sshTokens) path(id string) string {
	return filepath.Join(t.dir, cacheName(id)+".token")
}

// token returns the API token of user id, reusing the one in use or kept
// in its file when the ledger still accepts it, else minting another.
func (t *sshTokens) token(ctx context.Context, id string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	kept, ok := t.inUse[id]
	if !ok {
		kept = t.load(id)
	}
	if kept != "" {
		accepted, err := t.accepts(ctx, id, kept)
		if err != nil {
			return "", err
		}
		if accepted {
			t.inUse[id] = kept
			return kept, nil
		}
		t.log.Info("ssh token no longer accepted, minting another", "user", id)
	}
	return t.mint(ctx, id)
}

// load returns the token kept in user id's file, or "" when there is
// none or it cannot be used; only a missing file goes unreported.
func (t *sshTokens) load(id string) string {
	token, err := readTokenFile(t.path(id))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.log.Warn("ssh token file unusable, minting another", "user", id, "err", err)
	}
	return token
}

// accepts reports whether the ledger authenticates token as user id, as
// the API server would.
func (t *sshTokens) accepts(ctx context.Context, id, token string) (bool, error) {
	hash := sha256.Sum256([]byte(token))
	u, err := t.ledger.UserByTokenHash(ctx, hash[:])
	if instruct.ErrorCode(err) == instruct.CodeNotFound {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check the API token of an ssh user: %w", err)
	}
	return u.ID == id, nil
}

// mint creates a token for user id and writes it to the user's file. A
// token that cannot be written is still used, and reported: the next
// start will mint another.
func (t *sshTokens) mint(ctx context.Context, id string) (string, error) {
	token, err := t.ledger.CreateToken(ctx, id)
	if err != nil {
		return "", err
	}
	t.inUse[id] = token
	if err := writeTokenFile(t.path(id), token); err != nil {
		t.log.Warn("ssh token not kept: the next start mints another", "user", id, "err", err)
		return token, nil
	}
	t.log.Info("ssh token minted", "user", id)
	return token, nil
}

// readTokenFile returns the token the file at path holds. Its errors
// never quote the file's content.
func readTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if !wellFormedToken(token) {
		return "", fmt.Errorf("token file %s does not hold an instruct token", path)
	}
	return token, nil
}

// wellFormedToken reports whether s looks like a token the ledger mints:
// the token prefix, then base64url.
func wellFormedToken(s string) bool {
	rest, ok := strings.CutPrefix(s, ledger.TokenPrefix)
	if !ok || rest == "" || len(s) > maxTokenFile {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// writeTokenFile replaces the file at path with token, atomically: a
// temporary file beside it (mode 0600, in a directory of mode 0700),
// synced, then renamed over it.
func writeTokenFile(path, token string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the tokens directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("restrict the tokens directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	err = fillTokenFile(tmp, token)
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write token file: %w", err)
	}
	return nil
}

// fillTokenFile writes token to f, syncs and closes it.
func fillTokenFile(f *os.File, token string) error {
	_, err := f.WriteString(token + "\n")
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}
